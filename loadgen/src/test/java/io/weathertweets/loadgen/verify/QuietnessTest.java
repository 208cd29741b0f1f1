package io.weathertweets.loadgen.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.TweetPath;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The quiet-baseline rule on readings with made-up times (ms). */
class QuietnessTest {
  private static final long MS = 1_000_000;
  private final Quietness quietness = new Quietness(1000 * MS, 0);

  @Test
  void shouldBeQuietOnlyOnceTheFiguresHaveStoodStillForTheWholeWindow() {
    observe(0, figures(10), figures(7));
    assertThat(quietness.allQuiet(at(0))).as("one read proves nothing").isFalse();
    observe(600, figures(10), figures(7));
    assertThat(quietness.allQuiet(at(600))).isFalse();
    observe(1000, figures(10), figures(7));

    assertThat(quietness.allQuiet(at(1000))).isTrue();
  }

  @Test
  void shouldStartTheWindowAgainAtEveryChangeOfAnyFigure() {
    observe(0, figures(10), figures(7));
    observe(900, figures(12), figures(7));
    observe(1500, figures(12), figures(7));
    assertThat(quietness.quiet(TweetPath.KAFKA, at(1500))).as("changed at 900").isFalse();
    assertThat(quietness.quiet(TweetPath.RABBIT, at(1500))).isTrue();
    assertThat(quietness.whyNot(TweetPath.KAFKA, at(1500), true))
        .isEqualTo(
            "the Kafka path's store was still changing "
                + "(tweets_total went from 10 to 12 while loadgen waited 1.5 s, the last change 0.6 s ago)");

    // Same total, one tweet moved to another municipality: still a change.
    observe(1900, reading(12, 5, 7), figures(7));
    assertThat(quietness.quiet(TweetPath.KAFKA, at(2800))).isFalse();
    assertThat(quietness.whyNot(TweetPath.KAFKA, at(2800), false))
        .startsWith("the Kafka path's store is still changing (tweets_total went from 10 to 12");
    observe(2900, reading(12, 5, 7), figures(7));
    assertThat(quietness.allQuiet(at(2900))).isTrue();
  }

  @Test
  void shouldWaitForAReportedLagOfZeroAndIgnoreAnUnknownLag() {
    observe(
        0,
        Reading.of(figures(10).figures(), 1204L, null),
        Reading.of(figures(7).figures(), null, null));
    observe(
        1500,
        Reading.of(figures(10).figures(), 1204L, "has stopped consuming"),
        Reading.of(figures(7).figures(), null, null));

    assertThat(quietness.quiet(TweetPath.KAFKA, at(1500))).isFalse();
    assertThat(quietness.quiet(TweetPath.RABBIT, at(1500)))
        .as("no lag reported: stability alone")
        .isTrue();
    assertThat(quietness.whyNot(TweetPath.KAFKA, at(1500), true))
        .isEqualTo(
            "the Kafka path's consumer still reported 1,204 tweets not yet processed (stalled: has stopped consuming)");

    observe(
        1700,
        Reading.of(figures(10).figures(), 0L, null),
        Reading.of(figures(7).figures(), null, null));
    assertThat(quietness.allQuiet(at(1700))).isTrue();
  }

  @Test
  void shouldNotTakeABaselineFromAStoreThatCouldNotBeRead() {
    observe(0, figures(10), figures(7));
    observe(1200, figures(10), Reading.failed("RedisConnectionException: refused"));

    assertThat(quietness.quiet(TweetPath.KAFKA, at(1200))).isTrue();
    assertThat(quietness.quiet(TweetPath.RABBIT, at(1200))).isFalse();
    assertThat(quietness.whyNot(TweetPath.RABBIT, at(1200), true))
        .isEqualTo(
            "the RabbitMQ path's store could not be read (RedisConnectionException: refused)");

    // Readable again: the window starts over from that read.
    observe(1400, figures(10), figures(7));
    assertThat(quietness.quiet(TweetPath.RABBIT, at(2300))).isFalse();
    observe(2400, figures(10), figures(7));
    assertThat(quietness.allQuiet(at(2400))).isTrue();
  }

  private static long at(long ms) {
    return ms * MS;
  }

  private void observe(long ms, Reading kafka, Reading rabbit) {
    Map<TweetPath, Reading> readings = new LinkedHashMap<>();
    readings.put(TweetPath.KAFKA, kafka);
    readings.put(TweetPath.RABBIT, rabbit);
    quietness.observe(ms * MS, readings);
  }

  /** tweets_total n, all of them in mixco. */
  private static Reading figures(long n) {
    return reading(n, n, 0);
  }

  private static Reading reading(long total, long mixco, long guatemala) {
    Map<Municipality, Long> counts = new EnumMap<>(Municipality.class);
    for (Municipality m : Municipality.values()) {
      counts.put(m, 0L);
    }
    counts.put(Municipality.MIXCO, mixco);
    counts.put(Municipality.GUATEMALA, guatemala);
    return Reading.of(new StoreSnapshot(total, counts), null, null);
  }
}
