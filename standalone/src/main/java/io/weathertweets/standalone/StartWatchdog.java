package io.weathertweets.standalone;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ends a start that does not finish: after the timeout it prints what is still starting and where a
 * thread dump (virtual threads included) was written, then exits with status 3 — a supervisor or a
 * user sees a failure with a reason instead of a process that waits forever.
 */
final class StartWatchdog {
  static final int EXIT_STATUS = 3;
  private final CountDownLatch ready = new CountDownLatch(1);

  private StartWatchdog() {}

  static StartWatchdog start(Duration timeout, Path dataDir) {
    StartWatchdog watchdog = new StartWatchdog();
    Thread.ofPlatform()
        .daemon()
        .name("start-watchdog")
        .start(
            () -> {
              try {
                if (watchdog.ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                  return;
                }
              } catch (InterruptedException e) {
                return;
              }
              String dump = dumpThreads(dataDir.resolve("start-timeout-threads.txt"));
              // Formatted first and written in one piece: printf writes each part on its own, and
              // the log lines of the threads still starting then land in the middle of the message.
              System.err.print(
                  String.format(
                      "Weather Tweets was not ready after %d s (%s). Still starting: %s. Thread dump: %s."
                          + " Exiting with status %d.%n",
                      timeout.toSeconds(),
                      StandaloneLauncher.START_TIMEOUT_ENV,
                      Standalone.starting().isEmpty()
                          ? "nothing (waiting for the ready line)"
                          : Standalone.starting(),
                      dump,
                      EXIT_STATUS));
              // Shutdown hooks stop the embedded servers; if one of them hangs too, halt.
              Thread.ofPlatform()
                  .daemon()
                  .start(
                      () -> {
                        try {
                          Thread.sleep(Duration.ofSeconds(20));
                        } catch (InterruptedException ignored) {
                          // halting anyway
                        }
                        Runtime.getRuntime().halt(EXIT_STATUS);
                      });
              System.exit(EXIT_STATUS);
            });
    return watchdog;
  }

  void ready() {
    ready.countDown();
  }

  private static String dumpThreads(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(
              file.toAbsolutePath().toString(),
              HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
      return file.toAbsolutePath().toString();
    } catch (IOException | RuntimeException e) {
      return "not written (" + e + ")";
    }
  }
}
