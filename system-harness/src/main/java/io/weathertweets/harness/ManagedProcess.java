package io.weathertweets.harness;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * One child process (a service JVM, a store, a broker), restartable with the same command line.
 * Output goes to a log file per start, so a restart's log does not hide the crash that came before
 * it. Whatever happens to this JVM (a test timeout, Ctrl-C), no process started here outlives it.
 */
public final class ManagedProcess {
  private static final Set<ManagedProcess> STARTED = ConcurrentHashMap.newKeySet();

  /** One-off children started elsewhere (tools), killed on exit like the managed ones. */
  private static final Set<Process> TOOLS = ConcurrentHashMap.newKeySet();

  /** Set by the shutdown hook; from then on nothing starts (a start racing the hook would leak). */
  private static boolean exiting;

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  synchronized (STARTED) {
                    exiting = true;
                  }
                  STARTED.forEach(
                      p -> {
                        try {
                          p.kill9();
                        } catch (RuntimeException e) {
                          System.err.println(
                              "Could not kill " + p + ": " + e.getMessage() + "; kill it by hand");
                        }
                      });
                  TOOLS.forEach(ManagedProcess::killTree);
                },
                "managed-process-cleanup"));
  }

  /**
   * Has this JVM's exit kill {@code tool} (and its children) too, until {@link #forget}: for a
   * one-off child started elsewhere, e.g. a load generator. Unlike a managed process, a tool may
   * start while the JVM exits (a clean-up step); its caller's own deadline bounds it then.
   */
  public static void killOnExit(Process tool) {
    TOOLS.add(tool);
  }

  /** Ends {@link #killOnExit} for a tool that has ended (or was killed). */
  public static void forget(Process tool) {
    TOOLS.remove(tool);
  }

  /** {@code kill -9} of {@code p} and everything it started. */
  public static void killTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private final String name;
  private List<String> command;
  private final Map<String, String> environment;
  private final Path logDir;
  private Process process;
  private int starts;

  public ManagedProcess(
      String name, List<String> command, Map<String, String> environment, Path logDir) {
    this.name = name;
    this.command = List.copyOf(command);
    this.environment = new HashMap<>(environment);
    this.logDir = logDir;
  }

  /** Replaces the command line from the next start on. */
  public synchronized void setCommand(List<String> command) {
    this.command = List.copyOf(command);
  }

  /** Changes these variables from the next start on. */
  public synchronized void putEnvironment(Map<String, String> variables) {
    environment.putAll(variables);
  }

  public String name() {
    return name;
  }

  public synchronized ManagedProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
    }
    starts++;
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile().toFile());
    builder.environment().putAll(environment);
    try {
      Files.createDirectories(logDir);
      synchronized (STARTED) {
        if (exiting) {
          throw new IllegalStateException("not starting " + name + ": this JVM is exiting");
        }
        process = builder.start();
        STARTED.add(this);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + name + " with " + command, e);
    }
    return this;
  }

  /** The log of the current (or last) start. */
  public synchronized Path logFile() {
    return logFile(starts);
  }

  /** The log of every start so far, the first first (a crash shows in the log of its start). */
  public synchronized List<Path> logFiles() {
    List<Path> all = new ArrayList<>();
    for (int start = 1; start <= starts; start++) {
      all.add(logFile(start));
    }
    return all;
  }

  private Path logFile(int start) {
    return logDir.resolve(name + (start <= 1 ? "" : "-" + start) + ".log");
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /**
   * {@code kill -9} of the process and everything it started: no shutdown hook, no flush, no
   * goodbye.
   */
  public void kill9() {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p == null) {
      return;
    }
    List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
    p.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    awaitExit(p, tree, Duration.ofSeconds(20));
    STARTED.remove(this);
  }

  /** SIGTERM, then {@code kill -9} of whatever is left after {@code grace}. */
  public void stop(Duration grace) {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p == null || !p.isAlive()) {
      return;
    }
    List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
    p.destroy();
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    awaitExit(p, tree, Duration.ofSeconds(20));
    STARTED.remove(this);
  }

  private void awaitExit(Process p, List<ProcessHandle> tree, Duration max) {
    try {
      if (!p.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            name + " (pid " + p.pid() + ") is still alive after being killed");
      }
      for (ProcessHandle child : tree) {
        child.onExit().get(max.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("A child process of " + name + " did not exit: " + e, e);
    }
  }

  /**
   * Waits until {@code up} holds; fails at once when the process exits, and in either failure with
   * the last lines its log has by then.
   */
  public void awaitUp(String what, Duration atMost, Duration poll, Callable<Boolean> up) {
    try {
      await(what)
          .atMost(atMost)
          .pollInterval(poll)
          .ignoreExceptions()
          .failFast(() -> !isAlive())
          .until(up);
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new IllegalStateException(
          (isAlive()
                  ? what + ": not within " + atMost.toSeconds() + " s"
                  : name + " exited while starting")
              + "; the last lines of "
              + logFile()
              + ":\n"
              + tail(30),
          e);
    }
  }

  /** The last lines of the current log, to put in a failure message. */
  public String tail(int lines) {
    try {
      return lastLines(logFile(), lines);
    } catch (IOException | RuntimeException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The last {@code lines} lines of {@code file}, joined with newlines. */
  static String lastLines(Path file, int lines) throws IOException {
    List<String> all = Files.readAllLines(file);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  @Override
  public String toString() {
    return name + (isAlive() ? " (pid " + pid() + ")" : " (stopped)");
  }
}
