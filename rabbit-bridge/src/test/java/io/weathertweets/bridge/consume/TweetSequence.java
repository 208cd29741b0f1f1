package io.weathertweets.bridge.consume;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.bridge.TestTweets;
import io.weathertweets.proto.v1.Tweet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic delivery sequence: event times mostly in order (about 30 ms apart, so 10,000
 * tweets span five one-minute windows), 2% a few seconds out of order (inside the grace), 1% over a
 * minute late (their window has closed), and 1% republished copies of earlier tweets (same id).
 */
final class TweetSequence {
  private TweetSequence() {}

  static List<Tweet> of(int distinct, long seed, String idPrefix) {
    Random random = new Random(seed);
    List<Tweet> deliveries = new ArrayList<>();
    List<Tweet> published = new ArrayList<>();
    long clock = TestTweets.T0 + 1_234;
    for (int i = 0; i < distinct; i++) {
      clock += random.nextInt(61);
      long event = clock;
      int kind = random.nextInt(100);
      if (kind < 2) {
        event = clock - random.nextInt(5_000);
      } else if (kind == 2) {
        event = clock - 75_000 - random.nextInt(60_000);
      }
      Tweet tweet =
          Tweet.newBuilder()
              .setId(idPrefix + "-" + i)
              .setMunicipality(
                  Municipality.values()[random.nextInt(Municipality.values().length)].toProto())
              .setTemperature(random.nextInt(111) - 50)
              .setHumidity(random.nextInt(101))
              .setCondition(Condition.values()[random.nextInt(Condition.values().length)].toProto())
              .setEventTimeMs(event)
              .setAcceptedAtMs(System.currentTimeMillis())
              .build();
      deliveries.add(tweet);
      published.add(tweet);
      if (random.nextInt(100) == 0) {
        deliveries.add(published.get(random.nextInt(published.size())));
      }
    }
    return deliveries;
  }

  static GroundTruth truth(List<Tweet> deliveries) {
    GroundTruth truth =
        new GroundTruth(
            BridgeIntegrationTest.WINDOW.toMillis(), BridgeIntegrationTest.GRACE.toMillis());
    deliveries.forEach(truth::deliver);
    return truth;
  }
}
