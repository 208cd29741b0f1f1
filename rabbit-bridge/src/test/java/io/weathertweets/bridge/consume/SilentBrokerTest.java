package io.weathertweets.bridge.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.bridge.ValkeyTestSupport;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.embedded.TcpProxy;
import io.weathertweets.proto.v1.Tweet;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The bridge's connection to RabbitMQ goes silent mid-stream, as when the broker's node is lost or
 * partitioned away: no FIN, no RST, nothing, so only AMQP heartbeats can tell a dead connection
 * from a quiet one (a proxy between bridge and broker stops carrying that connection's bytes; new
 * connections pass, as a Service sends them to a live node). The bridge must give the connection up
 * and consume over a new one, and the broker must hand the tweets held by the dead consumer to the
 * new one, within a bound: with the clients' default heartbeat (60 s) a lost node stalled the
 * RabbitMQ path for more than two minutes.
 */
class SilentBrokerTest extends BridgeIntegrationTest {
  private static final Names NAMES = Names.random();
  private static final TcpProxy PROXY =
      new TcpProxy(LocalServers.rabbitHost(), LocalServers.rabbitPort());

  /**
   * Two heartbeat intervals for each side to notice, then a reconnect (about 28 s), with room for a
   * slow machine; the clients' default heartbeat takes over 120 s.
   */
  private static final Duration BOUND = Duration.ofSeconds(60);

  @DynamicPropertySource
  static void names(DynamicPropertyRegistry registry) {
    NAMES.register(registry, ValkeyTestSupport.SHARED_VALKEY);
    URI broker = URI.create(RABBIT);
    registry.add(
        "spring.rabbitmq.addresses",
        () ->
            broker.getScheme()
                + "://"
                + (broker.getRawUserInfo() == null ? "" : broker.getRawUserInfo() + "@")
                + "127.0.0.1:"
                + PROXY.port()
                + broker.getRawPath());
  }

  /**
   * The shared cleanup deletes the topology over the bridge's own connection: a live one, even if
   * the bridge never gave up the silent one.
   */
  @AfterAll
  void reconnect() {
    PROXY.cut();
    PROXY.restore();
  }

  @Override
  void afterCleanup() {
    PROXY.close();
  }

  @Test
  void shouldConsumeAgainSoonAfterItsConnectionGoesSilent() {
    List<Tweet> tweets = TweetSequence.of(1_000, 17, "silent");
    GroundTruth before = TweetSequence.truth(tweets.subList(0, 400));
    GroundTruth all = TweetSequence.truth(tweets);
    publish(tweets.subList(0, 400));
    awaitTweetsTotal(before.counted, Duration.ofSeconds(30));

    assertThat(PROXY.silence()).as("connections of the bridge through the proxy").isPositive();
    // Published over the test's own connection: the broker has them and pushes them to the bridge's
    // consumer, which it still believes alive.
    publish(tweets.subList(400, tweets.size()));
    long silenced = System.nanoTime();
    // Not awaitTweetsTotal: its diagnostics ask the broker over the bridge's own, silenced,
    // connection.
    await()
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> Long.toString(all.counted).equals(reader().meta().get("tweets_total")));
    System.out.printf(
        "every tweet counted %d ms after the connection went silent%n",
        Duration.ofNanos(System.nanoTime() - silenced).toMillis());
    assertStoreEquals(all);
  }
}
