package io.weathertweets.loadgen.report;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A one-line progress bar on stderr, redrawn four times a second, so stdout stays clean for the
 * report.
 */
public final class Progress implements AutoCloseable {
  private static final int WIDTH = 30;

  private final RunStats stats;
  private final long total;
  private final PrintStream err;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "loadgen-progress");
            t.setDaemon(true);
            return t;
          });

  public Progress(RunStats stats, long total, PrintStream err) {
    this.stats = stats;
    this.total = total;
    this.err = err;
    timer.scheduleAtFixedRate(this::draw, 250, 250, TimeUnit.MILLISECONDS);
  }

  /**
   * Whether to draw the bar: as forced by {@code --progress} / {@code --no-progress}, else only on
   * a terminal (a bar redrawn with carriage returns is noise in a log file or a CI transcript).
   *
   * @param option {@code true} for {@code --progress}, {@code false} for {@code --no-progress},
   *     {@code null} when neither was given
   */
  public static boolean shouldShow(Boolean option, boolean stderrIsTerminal) {
    return option != null ? option : stderrIsTerminal;
  }

  /**
   * Whether this process's stderr is a terminal. On Linux the answer is exact: file descriptor 2
   * points at a tty device. Elsewhere {@link System#console()} stands in for it (a terminal on both
   * stdin and stdout; on Java 22+ {@code Console.isTerminal()} says so, since there the console
   * exists even when redirected).
   */
  public static boolean stderrIsTerminal() {
    Path fd2 = Path.of("/proc/self/fd/2");
    if (Files.isSymbolicLink(fd2)) {
      try {
        return isTerminalDevice(Files.readSymbolicLink(fd2).toString());
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        // Fall back to the console below.
      }
    }
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true; // Java 21: a console exists only on a terminal.
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /**
   * A Linux file descriptor's target that is a terminal: {@code /dev/pts/3}, {@code /dev/tty1},
   * {@code /dev/console}.
   */
  static boolean isTerminalDevice(String target) {
    return target.startsWith("/dev/pts/")
        || target.startsWith("/dev/tty")
        || target.equals("/dev/console");
  }

  /** The bar for a given state; pure, so it can be checked without a terminal. */
  static String bar(
      long done, long total, double seconds, long accepted, long rejected, long failed) {
    int filled = total == 0 ? WIDTH : (int) (WIDTH * Math.min(done, total) / total);
    return String.format(
        Locale.ROOT,
        "\r[%s%s] %d/%d %3d%% %8.0f tweets/s  ok %d  rejected %d  failed %d",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        done,
        total,
        total == 0 ? 100 : 100 * done / total,
        seconds > 0 ? done / seconds : 0,
        accepted,
        rejected,
        failed);
  }

  private void draw() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    err.print(
        bar(stats.sent(), total, seconds, stats.accepted(), stats.rejected(), stats.failed()));
    err.flush();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    draw();
    err.println();
  }
}
