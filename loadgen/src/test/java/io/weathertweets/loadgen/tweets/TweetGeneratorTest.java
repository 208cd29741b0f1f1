package io.weathertweets.loadgen.tweets;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.TweetRules;
import io.weathertweets.proto.v1.Tweet;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TweetGeneratorTest {
  private static final long NOW = 1_700_000_000_000L;

  @Test
  void shouldGenerateTheSameTweetsForTheSameSeedWhateverTheOrderOfRequests() {
    TweetGenerator first = new TweetGenerator(42, 1000);
    TweetGenerator second = new TweetGenerator(42, 1000);

    List<String> forward =
        LongStream.range(0, 1000).mapToObj(i -> first.get(i).body().toString()).toList();
    List<String> backward =
        LongStream.iterate(999, i -> i >= 0, i -> i - 1)
            .mapToObj(i -> second.get(i).body().toString())
            .toList()
            .reversed();

    assertThat(forward).isEqualTo(backward);
  }

  @Test
  void shouldGenerateDifferentTweetsForDifferentSeeds() {
    TweetGenerator a = new TweetGenerator(1, 100);
    TweetGenerator b = new TweetGenerator(2, 100);

    long same =
        LongStream.range(0, 100)
            .filter(
                i ->
                    a.get(i)
                        .body()
                        .deepCopy()
                        .put("id", "")
                        .equals(b.get(i).body().deepCopy().put("id", "")))
            .count();

    // 4 * 4 * 111 * 101 combinations: a handful of equal tweets by chance at most.
    assertThat(same).isLessThan(5);
  }

  @Test
  void shouldDeriveIdsFromSeedAndIndexSoTheyAreUniqueAndStable() {
    TweetGenerator generator = new TweetGenerator(-7, 10_000);
    Set<String> ids = new HashSet<>();
    LongStream.range(0, 10_000).forEach(i -> ids.add(generator.get(i).id().orElseThrow()));

    assertThat(ids).hasSize(10_000);
    assertThat(generator.get(5).id()).contains("lg-" + Long.toUnsignedString(-7, 36) + "-5");
    assertThat(ids)
        .allSatisfy(id -> assertThat(id.length()).isLessThanOrEqualTo(TweetRules.ID_MAX_LENGTH));
  }

  @Test
  void shouldStayWithinTheContractAndCoverEveryValue() {
    TweetGenerator generator = new TweetGenerator(2026, 20_000);
    Set<Municipality> municipalities = EnumSet.noneOf(Municipality.class);
    Set<Condition> conditions = EnumSet.noneOf(Condition.class);
    int minTemperature = Integer.MAX_VALUE;
    int maxTemperature = Integer.MIN_VALUE;
    int minHumidity = Integer.MAX_VALUE;
    int maxHumidity = Integer.MIN_VALUE;

    for (long i = 0; i < generator.size(); i++) {
      Tweet tweet = generator.get(i).toV1(NOW, "unused");
      assertThat(TweetRules.violations(tweet)).as("tweet %d", i).isEmpty();
      municipalities.add(Municipality.fromProto(tweet.getMunicipality()));
      conditions.add(Condition.fromProto(tweet.getCondition()));
      minTemperature = Math.min(minTemperature, tweet.getTemperature());
      maxTemperature = Math.max(maxTemperature, tweet.getTemperature());
      minHumidity = Math.min(minHumidity, tweet.getHumidity());
      maxHumidity = Math.max(maxHumidity, tweet.getHumidity());
    }

    assertThat(municipalities).containsExactlyInAnyOrder(Municipality.values());
    assertThat(conditions).containsExactlyInAnyOrder(Condition.values());
    assertThat(minTemperature).isEqualTo(-50);
    assertThat(maxTemperature).isEqualTo(60);
    assertThat(minHumidity).isEqualTo(0);
    assertThat(maxHumidity).isEqualTo(100);
  }

  @Test
  void shouldUseTheSendTimeAsEventTimeUnlessTheTweetHasOne() {
    LoadTweet generated = new TweetGenerator(3, 1).get(0);

    assertThat(generated.httpBody(NOW).get("timestamp").longValue()).isEqualTo(NOW);
    assertThat(generated.body().has("timestamp"))
        .as("the source tweet is left unchanged")
        .isFalse();
    assertThat(generated.toV1(NOW, "x").getEventTimeMs()).isEqualTo(NOW);

    LoadTweet dated =
        new LoadTweet(0, generated.body().deepCopy().put("timestamp", "2026-01-02T03:04:05Z"));
    assertThat(dated.toV1(NOW, "x").getEventTimeMs()).isEqualTo(1_767_323_045_000L);
  }
}
