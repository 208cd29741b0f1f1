package io.weathertweets.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.loadgen.LoadGen;
import io.weathertweets.loadgen.tweets.LoadTweet;
import io.weathertweets.loadgen.tweets.TweetGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;

/**
 * The README's first command as a new user meets it: everything embedded (Kafka, the AMQP broker,
 * both Redis-protocol servers), 10,000 tweets from the load generator with its own verification,
 * and then every figure of both stores against a ground truth computed here.
 */
class EmbeddedSystemLoadTest {

  @Test
  void shouldCountTenThousandLoadGeneratorTweetsExactlyOnBothEmbeddedPaths(@TempDir Path dataDir)
      throws Exception {
    long seed = 20261123;
    int tweets = 10_000;
    try (RunningSystem system = RunningSystem.embedded(dataDir)) {
      String redisUrl = system.standalone.infrastructure().redisUrl();
      String valkeyUrl = system.standalone.infrastructure().valkeyUrl();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();

      int exit =
          LoadGen.run(
              new String[] {
                "-n",
                Integer.toString(tweets),
                "--mode",
                "http-batch",
                "--batch-size",
                "200",
                "-c",
                "4",
                "--seed",
                Long.toString(seed),
                "--url",
                system.ingressUrl(""),
                "--verify",
                "--verify-timeout",
                "120",
                "--prefix",
                system.prefix,
                "--redis-url",
                redisUrl,
                "--valkey-url",
                valkeyUrl
              },
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));

      String report = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
      assertThat(exit).as(report).isZero();
      assertThat(report).contains("accepted       " + tweets);

      GroundTruth truth = new GroundTruth();
      TweetGenerator generator = new TweetGenerator(seed, tweets);
      for (int i = 0; i < tweets; i++) {
        LoadTweet tweet = generator.get(i);
        truth.add(
            tweet.body().get("municipality").asString(),
            tweet.body().get("temperature").asInt(),
            tweet.body().get("humidity").asInt(),
            tweet.body().get("weather").asString());
      }
      for (String url : new String[] {redisUrl, valkeyUrl}) {
        RedissonClient store = StoreClients.create(url, false);
        try {
          truth.assertStoreHolds(store, system.prefix);
        } finally {
          store.shutdown();
        }
      }
      assertThat(system.get("/api/compare").body()).contains("\"verdict\":\"equal\"");
    }
  }
}
