package io.weathertweets.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.embedded.FreePorts;
import io.weathertweets.embedded.RedisProtocolServer;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;

/**
 * A private {@code valkey-server} (else {@code redis-server}, else the bundled one) on a free port,
 * for tests that must freeze or disturb the store (the shared one on 6380 serves others). No
 * persistence unless asked for ({@link #start(String...)}): the process keeps its data while it
 * lives. The Redisson clients it hands out ({@link #client()}) are shut down when it is closed.
 */
public final class OwnValkey implements AutoCloseable {
  private static final Pattern CALLS = Pattern.compile("calls=(\\d+)");

  private final Process process;
  private final int port;
  private final List<RedissonClient> clients = new ArrayList<>();
  private RedissonClient admin;

  private OwnValkey(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static OwnValkey start() throws IOException {
    return start(new String[0]);
  }

  /**
   * With an append-only file fsynced before each reply ({@code appendfsync always}), so that
   * WAITAOF confirms at once.
   *
   * @param settings further command-line settings, as for {@link #start(String...)}
   */
  public static OwnValkey startWithAof(String... settings) throws IOException {
    List<String> all = new ArrayList<>(List.of("--appendonly", "yes", "--appendfsync", "always"));
    all.addAll(List.of(settings));
    return start(all.toArray(String[]::new));
  }

  /**
   * @param settings further command-line settings, which win over the defaults (e.g. {@code
   *     "--appendonly", "yes", "--appendfsync", "always"}); files go to {@code
   *     target/valkey-<port>/}
   */
  public static OwnValkey start(String... settings) throws IOException {
    int port = FreePorts.one();
    File dir = new File("target/valkey-" + port);
    dir.mkdirs();
    String binary =
        RedisProtocolServer.executableFor(List.of("valkey-server", "redis-server"))
            .path()
            .toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                binary,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.getAbsolutePath()));
    command.addAll(List.of(settings));
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(new File("target/valkey-" + port + ".log"))
            .redirectErrorStream(true)
            .start();
    // PONG, not just an accepted connection: a server still loading its AOF answers -LOADING.
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> "PONG".equals(RedisProtocolServer.ping(port)));
    return new OwnValkey(process, port);
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** A new Redisson client of this server, shut down with it. */
  public RedissonClient client() {
    return remember(ValkeyTestSupport.client(url()));
  }

  /** A new Redisson client of this server that logs in as {@code user}, shut down with it. */
  public RedissonClient client(String user, String password) {
    return remember(
        ValkeyTestSupport.client("redis://" + user + ":" + password + "@127.0.0.1:" + port));
  }

  private synchronized RedissonClient remember(RedissonClient client) {
    clients.add(client);
    return client;
  }

  /** The server's node, through a client of its own (one for all calls). */
  public synchronized RedisNode node() {
    if (admin == null) {
      admin = client();
    }
    return admin.getRedisNodes(RedisNodes.SINGLE).getInstance();
  }

  /** Calls of WAITAOF the server has run (INFO commandstats). */
  public long waitaofCalls() {
    String stat = node().info(RedisNode.InfoSection.COMMANDSTATS).get("cmdstat_waitaof");
    if (stat == null) {
      return 0;
    }
    Matcher calls = CALLS.matcher(stat);
    assertThat(calls.find()).as(stat).isTrue();
    return Long.parseLong(calls.group(1));
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
    int exit =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
            .inheritIO()
            .start()
            .waitFor();
    assertThat(exit).as("kill -" + name).isZero();
  }

  @Override
  public void close() throws Exception {
    thaw();
    synchronized (this) {
      clients.reversed().forEach(RedissonClient::shutdown);
    }
    process.destroy();
    process.waitFor();
  }
}
