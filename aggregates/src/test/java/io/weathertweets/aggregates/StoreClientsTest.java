package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weathertweets.embedded.LocalServers;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * Talks to the test Redis ({@link LocalServers}: the real one on 127.0.0.1:6379, else an embedded
 * one).
 */
class StoreClientsTest {

  @Test
  void shouldWritePlainStringsReadableByTheReader() {
    RedissonClient client = StoreClients.create(LocalServers.redisUrl() + "/0", false);
    try {
      StoreLayout layout = new StoreLayout("test-" + UUID.randomUUID());
      client.getMap(layout.meta()).putAll(Map.of("tweets_total", "3"));
      assertThat(new StoreReader(client, layout).meta()).containsEntry("tweets_total", "3");
      // A plain-string value: the raw bytes are exactly "3", no codec header.
      assertThat(
              client
                  .getScript()
                  .<String>eval(
                      org.redisson.api.RScript.Mode.READ_ONLY,
                      "return redis.call('HGET', KEYS[1], 'tweets_total')",
                      org.redisson.api.RScript.ReturnType.STRING,
                      java.util.List.of(layout.meta())))
          .isEqualTo("3");
      client.getKeys().delete(layout.meta());
    } finally {
      client.shutdown();
    }
  }

  @Test
  void shouldRejectUrlsThatAreNotRedisUrlsWithoutLeakingThePassword() {
    assertThatThrownBy(() -> StoreClients.create("http://user:s3cret@host:1", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis://")
        .hasMessageNotContaining("s3cret");
    assertThat(StoreClients.redact("redis://:pw@host:6379")).isEqualTo("redis://:***@host:6379");
  }
}
