package io.weathertweets.loadgen.report;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A one-line progress bar on stderr, redrawn four times a second, so stdout stays clean for the report. */
public final class Progress implements AutoCloseable {
  private static final int WIDTH = 30;

  private final RunStats stats;
  private final long total;
  private final PrintStream err;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
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

  /** The bar for a given state; pure, so it can be checked without a terminal. */
  static String bar(long done, long total, double seconds, long accepted, long rejected, long failed) {
    int filled = total == 0 ? WIDTH : (int) (WIDTH * Math.min(done, total) / total);
    return String.format(Locale.ROOT, "\r[%s%s] %d/%d %3d%% %8.0f tweets/s  ok %d  rejected %d  failed %d",
        "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, total == 0 ? 100 : 100 * done / total,
        seconds > 0 ? done / seconds : 0, accepted, rejected, failed);
  }

  private void draw() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    err.print(bar(stats.sent(), total, seconds, stats.accepted(), stats.rejected(), stats.failed()));
    err.flush();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    draw();
    err.println();
  }
}
