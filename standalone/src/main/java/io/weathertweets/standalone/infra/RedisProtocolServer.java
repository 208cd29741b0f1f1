package io.weathertweets.standalone.infra;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * A Redis-protocol server as a child process: {@code valkey-server} or {@code redis-server} from the PATH when
 * installed (the real thing, current version), else the {@code redis-server} 6.2 binary bundled in
 * {@code com.github.codemonstur:embedded-redis}. Bound to 127.0.0.1, append-only file on and RDB snapshots off
 * under its data directory, so after a restart the figures still match what Kafka and the AMQP store replay.
 *
 * <p>The child is stopped by {@link #close()} (SIGTERM, then SIGKILL after a timeout). A launcher killed with
 * SIGKILL cannot stop it; its pid is kept in {@code launcher.pid} so the next start stops the leftover first.
 */
final class RedisProtocolServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisProtocolServer.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final String PID_FILE = "launcher.pid";

    private final String role;
    private final Process process;
    private final Path dataDir;
    private final String description;

    private RedisProtocolServer(String role, Process process, Path dataDir, String description) {
        this.role = role;
        this.process = process;
        this.dataDir = dataDir;
        this.description = description;
    }

    /**
     * Finds the executable for a role: the first of {@code preferredOnPath} found on the PATH, else the bundled
     * {@code redis-server}.
     */
    static Executable executableFor(List<String> preferredOnPath) throws IOException {
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

    static RedisProtocolServer start(String role, Executable executable, Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir);
        stopLeftover(role, dataDir, executable);
        List<String> command = new ArrayList<>(List.of(
                executable.path().toString(),
                "--port", String.valueOf(port),
                "--bind", "127.0.0.1",
                "--dir", dataDir.toAbsolutePath().toString(),
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--save", "",
                "--daemonize", "no",
                "--logfile", ""));
        Path logFile = dataDir.resolve("server.log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        Files.writeString(dataDir.resolve(PID_FILE), process.pid() + "\n" + executable.path() + "\n");
        RedisProtocolServer server = new RedisProtocolServer(role, process, dataDir,
                executable.description() + " on 127.0.0.1:" + port + ", pid " + process.pid());
        try {
            server.awaitPong(port, logFile);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitPong(int port, Path logFile) throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(role + " server exited with code " + process.exitValue()
                        + " while starting; last lines of " + logFile + ":\n" + tail(logFile));
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
        throw new IOException(role + " server (" + description + ") did not answer PING within "
                + READY_TIMEOUT.toSeconds() + " s; see " + logFile, last);
    }

    /** One inline PING: enough to know the server accepts commands, without a client library. */
    static String ping(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder reply = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
                reply.append((char) c);
            }
            String text = reply.toString();
            return text.startsWith("+") ? text.substring(1) : text;
        }
    }

    /**
     * A launcher that died without running its shutdown hooks leaves its child running on the port; stop it if the
     * recorded pid is still that same executable (pids are reused).
     */
    private static void stopLeftover(String role, Path dataDir, Executable executable) throws IOException {
        Path pidFile = dataDir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        Files.delete(pidFile);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.getFirst().trim());
        } catch (NumberFormatException e) {
            log.warn("Ignoring unreadable {} ({})", pidFile, e.getMessage());
            return;
        }
        ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.equals(executable.path().toString())
                        || Path.of(c).getFileName().equals(executable.path().getFileName())).orElse(false))
                .ifPresent(p -> {
                    log.warn("Stopping {} server pid {} left running by a previous launcher that did not shut down",
                            role, pid);
                    p.destroy();
                    p.onExit().completeOnTimeout(p, STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
                    if (p.isAlive()) {
                        p.destroyForcibly();
                    }
                });
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

    String description() {
        return description;
    }

    ProcessHandle processHandle() {
        return process.toHandle();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            // SIGTERM: the server flushes the append-only file before exiting.
            process.destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    log.warn("{} server pid {} did not stop within {} s; killing it", role, process.pid(),
                            STOP_TIMEOUT.toSeconds());
                    process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(dataDir.resolve(PID_FILE));
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", dataDir.resolve(PID_FILE), e.getMessage());
        }
    }

    record Executable(Path path, String description) {
    }
}
