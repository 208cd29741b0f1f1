package io.weathertweets.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.embedded.FreePorts;
import io.weathertweets.embedded.RedisProtocolServer;
import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

/**
 * A private {@code valkey-server} (else {@code redis-server}, else the bundled one) on a free port, for tests that must freeze or disturb the store (the shared
 * one on 6380 serves others). No persistence unless asked for ({@link #start(String...)}): the process keeps its data
 * while it lives.
 */
public final class OwnValkey implements AutoCloseable {
  private final Process process;
  private final int port;

  private OwnValkey(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static OwnValkey start() throws IOException {
    return start(new String[0]);
  }

  /**
   * @param settings further command-line settings, which win over the defaults (e.g. {@code "--appendonly",
   *     "yes", "--appendfsync", "always"}); files go to {@code target/valkey-<port>/}
   */
  public static OwnValkey start(String... settings) throws IOException {
    int port = FreePorts.one();
    File dir = new File("target/valkey-" + port);
    dir.mkdirs();
    String binary = RedisProtocolServer.executableFor(List.of("valkey-server", "redis-server")).path().toString();
    List<String> command = new java.util.ArrayList<>(List.of(binary, "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.getAbsolutePath()));
    command.addAll(List.of(settings));
    Process process = new ProcessBuilder(command)
        .redirectOutput(new File("target/valkey-" + port + ".log")).redirectErrorStream(true).start();
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return true;
      }
    });
    return new OwnValkey(process, port);
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** SIGSTOP: connections stay open and commands hang, as with a stalled or partitioned server. */
  public void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT: the server goes on with everything it held, including commands queued meanwhile. */
  public void thaw() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    assertThat(exit).as("kill -" + name).isZero();
  }

  @Override
  public void close() throws Exception {
    thaw();
    process.destroy();
    process.waitFor();
  }
}
