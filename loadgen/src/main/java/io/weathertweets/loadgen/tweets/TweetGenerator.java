package io.weathertweets.loadgen.tweets;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.TweetRules;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Valid random tweets that depend only on (seed, index): every tweet gets its own {@link Random}
 * seeded from a mix of both, so the n-th tweet is the same whichever thread asks for it and in
 * whatever order, and a rerun with the same seed sends exactly the same tweets with the same ids
 * (which the pipeline then counts once).
 */
public final class TweetGenerator implements TweetSource {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final long seed;
  private final long size;

  public TweetGenerator(long seed, long size) {
    this.seed = seed;
    this.size = size;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public LoadTweet get(long index) {
    Random random = new Random(mix(seed ^ mix(index + 1)));
    Municipality municipality = Municipality.values()[random.nextInt(Municipality.values().length)];
    Condition condition = Condition.values()[random.nextInt(Condition.values().length)];
    int temperature =
        TweetRules.TEMPERATURE_MIN
            + random.nextInt(TweetRules.TEMPERATURE_MAX - TweetRules.TEMPERATURE_MIN + 1);
    int humidity =
        TweetRules.HUMIDITY_MIN
            + random.nextInt(TweetRules.HUMIDITY_MAX - TweetRules.HUMIDITY_MIN + 1);
    ObjectNode body = JSON.createObjectNode();
    body.put("id", fallbackId(index));
    body.put("municipality", municipality.id());
    body.put("temperature", temperature);
    body.put("humidity", humidity);
    body.put("weather", condition.id());
    return new LoadTweet(index, body);
  }

  /**
   * {@code lg-<seed base 36>-<index>}: at most 3 + 13 + 1 + 19 characters, within the 64 of the
   * contract.
   */
  @Override
  public String fallbackId(long index) {
    return "lg-" + Long.toUnsignedString(seed, 36) + "-" + index;
  }

  public long seed() {
    return seed;
  }

  /**
   * SplitMix64's finaliser: neighbouring inputs give unrelated outputs, which {@link Random}'s own
   * seeding (a plain LCG scramble) does not, so tweet n and n+1 do not start from correlated
   * states.
   */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
