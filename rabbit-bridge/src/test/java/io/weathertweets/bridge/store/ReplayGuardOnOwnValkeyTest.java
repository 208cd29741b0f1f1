package io.weathertweets.bridge.store;

import static io.weathertweets.bridge.TestTweets.tweets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.StoreReader;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.bridge.OwnValkey;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.client.RedisTimeoutException;

/**
 * Things only a private Valkey can show: the script cache being emptied, and the replay guard's
 * memory.
 */
class ReplayGuardOnOwnValkeyTest {
  private static OwnValkey valkey;
  private static RedissonClient client;

  @BeforeAll
  static void start() throws Exception {
    valkey = OwnValkey.start();
    client = valkey.client();
  }

  @AfterAll
  static void stop() throws Exception {
    valkey.close();
  }

  private static BatchScript script(String prefix) {
    return new BatchScript(
        client,
        new StoreLayout(prefix),
        WindowSpec.DEFAULT,
        Duration.ofHours(1),
        Duration.ofHours(24),
        10_000,
        Duration.ofSeconds(15));
  }

  @Test
  void shouldLoadTheScriptAgainWhenValkeyForgotIt() {
    BatchScript script = script("reload");
    script.apply(tweets(3), 1);

    client.getScript().scriptFlush();
    ApplyResult afterFlush = script.apply(tweets(2), 2);

    assertThat(afterFlush.processed()).isEqualTo(2);
  }

  @Test
  void shouldReportTheGhostExecutionOfACallThatTimedOutWhenItIsRetried() throws Exception {
    BatchScript script =
        new BatchScript(
            client,
            new StoreLayout("ghost"),
            WindowSpec.DEFAULT,
            Duration.ofHours(1),
            Duration.ofHours(24),
            10_000,
            Duration.ofMillis(500));
    script.apply(tweets(1), 1);
    List<Tweet> batch = tweets(10);
    String token = BatchScript.newBatchToken();

    valkey.freeze();
    try {
      long started = System.nanoTime();
      assertThatThrownBy(() -> script.apply(batch, token, 2))
          .isInstanceOf(RedisTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    } finally {
      valkey.thaw();
    }
    // The timed-out call is still in the server's socket and runs on thaw; the retry must not count
    // it again and must report it as processed.
    ApplyResult retry = script.apply(batch, token, 3);

    assertThat(retry.processed()).isEqualTo(10);
    assertThat(retry.duplicates()).isZero();
    assertThat(new StoreReader(client, new StoreLayout("ghost")).meta())
        .containsEntry("tweets_total", "11");
  }

  @Test
  void shouldKeepTheReplayGuardAroundOneHundredFortyFourBytesPerTweet() {
    client.getKeys().flushall();
    long before = usedMemory();
    BatchScript script = script("weather");
    int count = 50_000;
    List<Tweet> tweets = tweets(count);
    for (int from = 0; from < count; from += 500) {
      script.apply(tweets.subList(from, from + 500), 3);
    }
    long perKey = (usedMemory() - before) / count;

    // UUID ids under prefix "weather", PX set, int-encoded value: 144 B measured on Valkey 8.0
    // (jemalloc).
    System.out.println("replay guard: " + perKey + " bytes per seen key");
    assertThat(perKey).isBetween(100L, 170L);
  }

  private static long usedMemory() {
    return Long.parseLong(valkey.node().info(RedisNode.InfoSection.MEMORY).get("used_memory"));
  }
}
