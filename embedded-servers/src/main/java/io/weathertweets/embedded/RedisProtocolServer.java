package io.weathertweets.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * A Redis-protocol server as a child process: {@code valkey-server} or {@code redis-server} from
 * the PATH when installed (the real thing, current version), else the {@code redis-server} 6.2
 * binary bundled in {@code com.github.codemonstur:embedded-redis}. Bound to 127.0.0.1, append-only
 * file on and RDB snapshots off under its data directory, so after a restart the figures still
 * match what Kafka and the AMQP store replay.
 *
 * <p>The server runs under a small {@code /bin/sh} watchdog that stops it (SIGTERM, so the
 * append-only file is flushed) as soon as the launcher's end of its stdin pipe closes: on {@link
 * #close()}, and also when the launcher dies without running shutdown hooks (SIGKILL, crash), since
 * the kernel closes the pipe then.
 */
public final class RedisProtocolServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisProtocolServer.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  /**
   * {@code $@} is the server command line. fd 3 keeps the pipe for the reader; the server itself
   * must not inherit it, and the reader is a background job (whose stdin a shell replaces with
   * /dev/null).
   */
  private static final String WATCHDOG =
      "exec 3<&0; \"$@\" 3<&- & server=$!; "
          + "(read -r _ <&3; kill -TERM \"$server\" 2>/dev/null) & exec 3<&-; wait \"$server\"";

  private static final Path SHELL = Path.of("/bin/sh");

  private final String role;
  private final Process process;
  private final boolean watched;
  private final String description;
  private List<ProcessHandle> processes = List.of();

  private RedisProtocolServer(String role, Process process, boolean watched, String description) {
    this.role = role;
    this.process = process;
    this.watched = watched;
    this.description = description;
  }

  /**
   * Finds the executable for a role: the first of {@code preferredOnPath} found on the PATH, else
   * the bundled {@code redis-server}.
   */
  public static Executable executableFor(List<String> preferredOnPath) throws IOException {
    for (String name : preferredOnPath) {
      Optional<Path> onPath = findOnPath(name);
      if (onPath.isPresent()) {
        return new Executable(onPath.get(), name + " from PATH (" + onPath.get() + ")");
      }
    }
    File bundled = ExecutableProvider.newJarResourceProvider().get();
    if (!bundled.canExecute() && !bundled.setExecutable(true)) {
      throw new IOException("bundled redis-server " + bundled + " is not executable");
    }
    return new Executable(bundled.toPath(), "bundled redis-server 6.2 (embedded-redis)");
  }

  public static RedisProtocolServer start(
      String role, Executable executable, Path dataDir, int port) throws IOException {
    Files.createDirectories(dataDir);
    List<String> command = new ArrayList<>();
    boolean watched = Files.isExecutable(SHELL);
    if (watched) {
      command.addAll(List.of(SHELL.toString(), "-c", WATCHDOG, role.toLowerCase() + "-watchdog"));
    } else {
      log.warn(
          "No {}: the {} server will not stop by itself if this process is killed", SHELL, role);
    }
    command.addAll(
        List.of(
            executable.path().toString(),
            "--port",
            String.valueOf(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            dataDir.toAbsolutePath().toString(),
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "",
            "--daemonize",
            "no",
            "--logfile",
            ""));
    Path logFile = dataDir.resolve("server.log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    RedisProtocolServer server =
        new RedisProtocolServer(
            role,
            process,
            watched,
            executable.description() + " on 127.0.0.1:" + port + ", log " + logFile);
    try {
      server.awaitPong(port, logFile);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    server.processes = Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
    return server;
  }

  private void awaitPong(int port, Path logFile) throws IOException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            role
                + " server exited with code "
                + process.exitValue()
                + " while starting; last lines of "
                + logFile
                + ":\n"
                + tail(logFile));
      }
      try {
        if ("PONG".equals(ping(port))) {
          return;
        }
      } catch (IOException notYet) {
        last = notYet;
      }
      sleepBriefly();
    }
    throw new IOException(
        role
            + " server ("
            + description
            + ") did not answer PING within "
            + READY_TIMEOUT.toSeconds()
            + " s; see "
            + logFile,
        last);
  }

  /**
   * One inline PING to 127.0.0.1 (where these servers bind): enough to know the server accepts
   * commands, without a client library. The reply's first line, at most 64 characters, without
   * RESP's "+".
   */
  public static String ping(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      socket.setSoTimeout(1_000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder reply = new StringBuilder();
      for (int c = in.read(); c != -1 && c != '\r' && reply.length() < 64; c = in.read()) {
        reply.append((char) c);
      }
      String text = reply.toString();
      return text.startsWith("+") ? text.substring(1) : text;
    }
  }

  private static Optional<Path> findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private static void sleepBriefly() throws IOException {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a Redis-protocol server", e);
    }
  }

  public String description() {
    return description;
  }

  /** The watchdog shell and the server (and the watchdog's reader), as started. */
  public List<ProcessHandle> processes() {
    return processes;
  }

  @Override
  public void close() {
    List<ProcessHandle> started =
        Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
    try {
      // EOF on the watchdog's stdin: it sends SIGTERM, the server flushes its append-only file and
      // exits. Without the watchdog, SIGTERM it directly.
      if (watched) {
        process.getOutputStream().close();
      } else {
        process.destroy();
      }
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        log.warn(
            "{} server did not stop within {} s; killing {}",
            role,
            STOP_TIMEOUT.toSeconds(),
            started);
      }
    } catch (IOException e) {
      log.warn(
          "Could not signal the {} server to stop ({}); killing {}", role, e.getMessage(), started);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  public record Executable(Path path, String description) {}
}
