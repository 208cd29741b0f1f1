package io.weathertweets.streams.it;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic tweet stream in event-time order: several municipalities, spanning several
 * windows, a few retried tweets (same id, sent again), and at the end one "tick" per municipality
 * far enough ahead to close every earlier window on every partition.
 */
final class TweetStream {
  /** Per municipality: lowest temperature and range width, so that extremes differ between them. */
  private static final int[][] TEMPERATURE = {{10, 21}, {5, 31}, {-10, 36}, {-20, 41}};

  final List<Tweet> unique = new ArrayList<>();

  /** What is sent: every unique tweet, some of them twice in a row. */
  final List<Tweet> sent = new ArrayList<>();

  final long tickMs;

  TweetStream(long seed, int count, Instant start, int retries) {
    Random random = new Random(seed);
    long t = start.toEpochMilli();
    Municipality[] municipalities = Municipality.values();
    Condition[] conditions = Condition.values();
    for (int i = 0; i < count; i++) {
      t += random.nextInt(60);
      int m = random.nextInt(municipalities.length);
      Tweet tweet =
          Tweet.newBuilder()
              .setId("it-" + seed + "-" + i)
              .setMunicipality(municipalities[m].toProto())
              .setTemperature(TEMPERATURE[m][0] + random.nextInt(TEMPERATURE[m][1]))
              .setHumidity(random.nextInt(101))
              .setCondition(conditions[random.nextInt(conditions.length)].toProto())
              .setEventTimeMs(t)
              .build();
      unique.add(tweet);
      sent.add(tweet);
      if (random.nextInt(count) < retries) {
        sent.add(tweet);
      }
    }
    tickMs = t + Duration.ofMinutes(5).toMillis();
    for (Municipality m : municipalities) {
      Tweet tick =
          Tweet.newBuilder()
              .setId("it-" + seed + "-tick-" + m.id())
              .setMunicipality(m.toProto())
              .setTemperature(15)
              .setHumidity(50)
              .setCondition(Condition.CLOUDY.toProto())
              .setEventTimeMs(tickMs)
              .build();
      unique.add(tick);
      sent.add(tick);
    }
  }

  /**
   * A start a few minutes ago, on a minute boundary. Event times must be recent: changelogs of
   * window stores are compact+delete with a retention (window retention + 1 day) the broker applies
   * against its wall clock, so months-old event times would let the broker delete window state that
   * a restart needs.
   */
  static Instant recentStart() {
    return Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(8));
  }

  static String key(Tweet tweet) {
    return Municipality.fromProto(tweet.getMunicipality()).id();
  }
}
