package io.weathertweets.bridge.store;

import static io.weathertweets.bridge.TestTweets.tweets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.StoreReader;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.aggregates.resp.RawResp;
import io.weathertweets.bridge.OwnValkey;
import io.weathertweets.bridge.store.StoreDurability.Mode;
import io.weathertweets.proto.v1.Tweet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * Acknowledgement follows durability, on real {@code valkey-server}s this test starts with an
 * append-only file: WAITAOF runs on the connection of the script call, right after it; a batch is
 * reported applied only when WAITAOF confirmed it; a server that cannot confirm is recognised
 * instead of being retried forever.
 *
 * <p>{@code appendfsync always} makes Valkey fsync before it answers, so WAITAOF then confirms at
 * once. {@code appendfsync no} stands for a disk that has not fsynced yet: Valkey never moves its
 * fsynced offset then, so WAITAOF cannot confirm anything written meanwhile (switched at runtime
 * with CONFIG SET).
 */
class DurableBatchTest {
  private static final Duration SHORT = Duration.ofMillis(300);
  private static final Pattern MONITOR_LINE =
      Pattern.compile("^\\S+ \\[\\d+ ([^\\]]+)\\] \"([A-Za-z]+)\"(.*)$");

  private final List<AutoCloseable> started = new ArrayList<>();
  private final MeterRegistry meters = new SimpleMeterRegistry();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : started.reversed()) {
      closeable.close();
    }
  }

  private OwnValkey valkey(String... settings) throws IOException {
    OwnValkey valkey = OwnValkey.start(settings);
    started.add(valkey);
    return valkey;
  }

  private OwnValkey withAof(String... settings) throws IOException {
    OwnValkey valkey = OwnValkey.startWithAof(settings);
    started.add(valkey);
    return valkey;
  }

  private BatchScript script(
      RedissonClient client, String prefix, Mode mode, int replicas, Duration timeout) {
    return script(
        client,
        prefix,
        new StoreDurability(client, mode, replicas, timeout, "test valkey", meters));
  }

  private static BatchScript script(
      RedissonClient client, String prefix, StoreDurability durability) {
    return new BatchScript(
        client,
        new StoreLayout(prefix),
        WindowSpec.DEFAULT,
        Duration.ofHours(1),
        Duration.ofHours(24),
        10_000,
        Duration.ofSeconds(15),
        durability);
  }

  private String tweetsTotal(RedissonClient client, String prefix) {
    return new StoreReader(client, new StoreLayout(prefix)).meta().get("tweets_total");
  }

  private double failures(String reason) {
    return meters.get("weather.store.durability.failures").tag("reason", reason).counter().count();
  }

  @Test
  void shouldSendWaitaofOnTheScriptsConnectionRightAfterIt() throws Exception {
    OwnValkey valkey = withAof();
    RedissonClient client = valkey.client();
    BatchScript script =
        script(client, "same-connection", Mode.LOCAL_AOF, 0, Duration.ofSeconds(5));
    script.checkDurability();
    String token = BatchScript.newBatchToken();
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    RawResp monitor = new RawResp(valkey.port());
    started.add(monitor);
    assertThat(monitor.call("MONITOR")).isEqualTo("OK");
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    while (true) {
                      seen.add((String) monitor.read());
                    }
                  } catch (UncheckedIOException closed) {
                    // the test is over
                  }
                });
    started.add(reader::interrupt);
    long before = valkey.waitaofCalls();

    ApplyResult result = script.apply(tweets(20), token, 1);

    assertThat(result.processed()).isEqualTo(20);
    assertThat(valkey.waitaofCalls()).isEqualTo(before + 1);
    List<String[]> commands = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              for (String line = seen.poll(); line != null; line = seen.poll()) {
                Matcher m = MONITOR_LINE.matcher(line);
                if (m.matches() && !"lua".equals(m.group(1))) {
                  commands.add(new String[] {m.group(1), m.group(2).toUpperCase(), m.group(3)});
                }
              }
              assertThat(commands).extracting(c -> c[1]).contains("WAITAOF");
            });
    int eval = indexOf(commands, "EVALSHA", "");
    int mark = indexOf(commands, "SET", "\"same-connection:bridge:ack_mark\" \"" + token + "\"");
    int waitaof = indexOf(commands, "WAITAOF", "\"1\" \"0\" \"5000\"");
    assertThat(eval).as("EVALSHA seen").isNotNegative();
    assertThat(mark).as("mark after the script").isGreaterThan(eval);
    assertThat(waitaof).as("WAITAOF after the mark").isGreaterThan(mark);
    String connection = commands.get(eval)[0];
    assertThat(commands.get(mark)[0]).as("the mark's connection").isEqualTo(connection);
    assertThat(commands.get(waitaof)[0]).as("WAITAOF's connection").isEqualTo(connection);
  }

  private static int indexOf(List<String[]> commands, String name, String arguments) {
    for (int i = 0; i < commands.size(); i++) {
      if (commands.get(i)[1].equals(name) && commands.get(i)[2].trim().startsWith(arguments)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void shouldReportABatchAppliedOnlyOnceValkeyConfirmedItsFsync() throws Exception {
    OwnValkey valkey = withAof();
    RedissonClient client = valkey.client();
    BatchScript script = script(client, "fsync", Mode.LOCAL_AOF, 0, SHORT);
    script.apply(tweets(5), 1);
    List<Tweet> batch = tweets(40);
    String token = BatchScript.newBatchToken();

    valkey.node().setConfig("appendfsync", "no");
    assertThatThrownBy(() -> script.apply(batch, token, 2))
        .isInstanceOf(StoreDurability.NotConfirmedException.class)
        .hasMessageContaining("did not confirm Valkey's own AOF fsync");
    // Applied, but not confirmed: the listener acknowledges nothing and applies the batch again.
    assertThat(tweetsTotal(client, "fsync")).isEqualTo("45");
    assertThat(failures("not-confirmed")).isEqualTo(1);

    valkey.node().setConfig("appendfsync", "always");
    ApplyResult retry = script.apply(batch, token, 3);

    assertThat(retry.processed()).isEqualTo(40);
    assertThat(retry.duplicates()).isZero();
    assertThat(tweetsTotal(client, "fsync")).isEqualTo("45");
  }

  /**
   * A redelivered batch finds every tweet applied, so its script call writes nothing, and WAITAOF
   * alone would wait for this connection's earlier writes only: the mark makes it wait for
   * everything before it, including the first application by another connection (a bridge that
   * crashed before acknowledging).
   */
  @Test
  void shouldNotConfirmARedeliveryWhoseFirstApplicationIsNotFsyncedYet() throws Exception {
    OwnValkey valkey = withAof();
    RedissonClient bridge = valkey.client();
    RedissonClient crashed = valkey.client();
    BatchScript durable = script(bridge, "redelivery", Mode.LOCAL_AOF, 0, SHORT);
    BatchScript before =
        new BatchScript(
            crashed,
            new StoreLayout("redelivery"),
            WindowSpec.DEFAULT,
            Duration.ofHours(1),
            Duration.ofHours(24),
            10_000,
            Duration.ofSeconds(15));
    durable.apply(tweets(5), 1);
    List<Tweet> batch = tweets(30);
    RawResp other = new RawResp(valkey.port());
    started.add(other);
    assertThat(other.call("SET", "redelivery:unrelated", "1")).isEqualTo("OK");

    valkey.node().setConfig("appendfsync", "no");
    before.apply(batch, 2);
    // What the mark is for: a connection whose own writes are fsynced is confirmed at once,
    // whatever others wrote.
    assertThat(other.call("WAITAOF", 1, 0, 100)).isEqualTo(List.of(1L, 0L));
    assertThatThrownBy(() -> durable.apply(batch, 3))
        .isInstanceOf(StoreDurability.NotConfirmedException.class);

    valkey.node().setConfig("appendfsync", "always");
    ApplyResult redelivered = durable.apply(batch, 4);
    assertThat(redelivered.duplicates()).isEqualTo(30);
    assertThat(tweetsTotal(bridge, "redelivery")).isEqualTo("35");
  }

  @Test
  void aValkeyThatDoesNotAnswerAtStartShouldBeAskedAtTheFirstBatch() throws Exception {
    OwnValkey valkey = withAof();
    RedissonClient client = valkey.client();
    StoreDurability durability =
        new StoreDurability(client, Mode.LOCAL_AOF, 0, SHORT, "test valkey", meters);
    BatchScript script = script(client, "late", durability);

    valkey.freeze();
    try {
      script.checkDurability();
    } finally {
      valkey.thaw();
    }
    assertThat(durability.describe()).startsWith("undecided");
    long before = valkey.waitaofCalls();

    assertThat(script.apply(tweets(10), 1).processed()).isEqualTo(10);
    assertThat(durability.describe()).isEqualTo("local-aof");
    assertThat(valkey.waitaofCalls()).isEqualTo(before + 2);
  }

  @Test
  void autoShouldAcknowledgeInMemoryOnAServerWithoutAppendOnlyFile() throws Exception {
    OwnValkey valkey = valkey();
    RedissonClient client = valkey.client();
    StoreDurability durability =
        new StoreDurability(client, Mode.AUTO, 0, SHORT, "test valkey", meters);
    BatchScript script = script(client, "auto-off", durability);

    script.checkDurability();
    ApplyResult result = script.apply(tweets(10), 1);

    assertThat(durability.describe()).isEqualTo("none (auto)");
    assertThat(result.processed()).isEqualTo(10);
    assertThat(valkey.waitaofCalls()).isZero();
  }

  /**
   * Under everysec each batch would wait for Valkey's next timer tick (100 to 200 ms measured) for
   * no guarantee.
   */
  @Test
  void autoShouldNotWaitForTheFsyncOfAnEverysecServer() throws Exception {
    OwnValkey valkey = valkey("--appendonly", "yes", "--appendfsync", "everysec");
    RedissonClient client = valkey.client();
    StoreDurability durability =
        new StoreDurability(client, Mode.AUTO, 0, SHORT, "test valkey", meters);
    BatchScript script = script(client, "auto-everysec", durability);
    script.checkDurability();
    long afterProbe = valkey.waitaofCalls();

    assertThat(script.apply(tweets(10), 1).processed()).isEqualTo(10);

    assertThat(durability.describe()).isEqualTo("none (auto)");
    assertThat(valkey.waitaofCalls()).isEqualTo(afterProbe);
  }

  @Test
  void anExplicitModeShouldBeRefusedWithTheReasonOnAServerWithoutAppendOnlyFile() throws Exception {
    OwnValkey valkey = valkey();
    RedissonClient client = valkey.client();
    BatchScript script = script(client, "explicit-off", Mode.LOCAL_AOF, 0, SHORT);

    assertThatThrownBy(script::checkDurability)
        .isInstanceOf(StoreDurability.UnavailableException.class)
        .hasMessageContaining("appendonly no, from CONFIG GET")
        .hasMessageContaining("appendonly yes");
    // Not applied, not retried in silence: every attempt says why.
    assertThatThrownBy(() -> script.apply(tweets(3), 1))
        .isInstanceOf(StoreDurability.UnavailableException.class);
    assertThat(tweetsTotal(client, "explicit-off")).isNull();
  }

  /**
   * The k8s writer user (k8s/base/valkey.yaml) may not run CONFIG or INFO (-@dangerous): the
   * WAITAOF probe alone decides, both ways.
   */
  @Test
  void theK8sWriterUserShouldBeDecidedForByTheWaitaofProbe() throws Exception {
    OwnValkey withAof = withAof();
    OwnValkey without = valkey();
    String rule = writerRuleOfK8s();

    BatchScript durable = asWriter(withAof, rule);
    BatchScript inMemory = asWriter(without, rule);
    durable.checkDurability();
    inMemory.checkDurability();

    try (RawResp writer = new RawResp(withAof.port())) {
      writer.call("AUTH", "weather-writer", "secret");
      assertThatThrownBy(() -> writer.call("CONFIG", "GET", "appendonly"))
          .hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> writer.call("INFO", "persistence")).hasMessageContaining("NOPERM");
    }
    long before = withAof.waitaofCalls();
    assertThat(durable.apply(tweets(10), 1).processed()).isEqualTo(10);
    assertThat(withAof.waitaofCalls()).isEqualTo(before + 1);
    assertThat(inMemory.apply(tweets(10), 1).processed()).isEqualTo(10);
  }

  private BatchScript asWriter(OwnValkey valkey, String rule) throws IOException {
    try (RawResp admin = new RawResp(valkey.port())) {
      List<Object> command =
          new ArrayList<>(List.of("ACL", "SETUSER", "weather-writer", "on", ">secret"));
      command.addAll(List.of(rule.split(" ")));
      assertThat(admin.call(command.toArray())).isEqualTo("OK");
    }
    RedissonClient client = valkey.client("weather-writer", "secret");
    StoreDurability durability =
        new StoreDurability(client, Mode.AUTO, 0, SHORT, valkey.url(), meters);
    return script(client, "weather", durability);
  }

  /** The rights the k8s Valkey gives the writer user, from its start script. */
  private static String writerRuleOfK8s() throws IOException {
    String manifest = Files.readString(Path.of("../k8s/base/valkey.yaml"));
    Matcher rule = Pattern.compile("user weather-writer on >%s ([^\\\\']+)\\\\n").matcher(manifest);
    assertThat(rule.find()).as("the writer's ACL rule in k8s/base/valkey.yaml").isTrue();
    return rule.group(1).trim();
  }

  @Test
  void autoShouldFallBackToInMemoryAcksWhenTheAppendOnlyFileIsTurnedOffWhileRunning()
      throws Exception {
    OwnValkey valkey = withAof();
    RedissonClient client = valkey.client();
    StoreDurability durability =
        new StoreDurability(client, Mode.AUTO, 0, SHORT, "test valkey", meters);
    BatchScript script = script(client, "turned-off", durability);
    script.apply(tweets(5), 1);
    assertThat(durability.describe()).isEqualTo("local-aof (auto)");
    List<Tweet> batch = tweets(20);
    String token = BatchScript.newBatchToken();

    valkey.node().setConfig("appendonly", "no");
    assertThatThrownBy(() -> script.apply(batch, token, 2))
        .isInstanceOf(StoreDurability.NotConfirmedException.class)
        .hasMessageContaining("refused WAITAOF");
    ApplyResult retry = script.apply(batch, token, 3);

    assertThat(failures("refused")).isEqualTo(1);
    assertThat(durability.describe()).isEqualTo("none (auto)");
    assertThat(retry.processed()).isEqualTo(20);
    assertThat(tweetsTotal(client, "turned-off")).isEqualTo("25");
  }

  /**
   * {@code replicas}: nothing is confirmed while no replica with an append-only file follows; once
   * one does, the same batch is confirmed, so promoting that replica loses nothing acknowledged,
   * and so is every later batch. Each write waits for the replica's once-a-second acknowledgement,
   * so this runs at the shortest timeout the mode accepts: with 300 ms most attempts time out, and
   * the batches after the first, each given one attempt, fail.
   */
  @Test
  void replicasShouldConfirmOnlyWhenAReplicaHoldsTheBatchInItsAppendOnlyFile() throws Exception {
    OwnValkey primary = withAof();
    RedissonClient client = primary.client();
    BatchScript script =
        script(client, "replicated", Mode.REPLICAS, 1, StoreDurability.REPLICAS_MIN_TIMEOUT);
    script.checkDurability();
    List<Tweet> batch = tweets(25);
    String token = BatchScript.newBatchToken();

    assertThatThrownBy(() -> script.apply(batch, token, 1))
        .isInstanceOf(StoreDurability.NotConfirmedException.class)
        .hasMessageContaining("(0 confirmed)");
    OwnValkey replica = withAof("--replicaof", "127.0.0.1", Integer.toString(primary.port()));

    ApplyResult[] confirmed = new ApplyResult[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreException(StoreDurability.NotConfirmedException.class)
        .untilAsserted(() -> confirmed[0] = script.apply(batch, token, 2));
    assertThat(confirmed[0].processed()).isEqualTo(25);
    for (int next = 0; next < 3; next++) {
      List<Tweet> more = tweets(10);
      assertThat(script.apply(more, BatchScript.newBatchToken(), 3 + next).processed())
          .isEqualTo(10);
    }
    RedissonClient replicaClient = replica.client();
    assertThat(tweetsTotal(replicaClient, "replicated")).isEqualTo("55");
  }
}
