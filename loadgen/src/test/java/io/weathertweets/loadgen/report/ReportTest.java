package io.weathertweets.loadgen.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.weathertweets.aggregates.Municipality;
import io.weathertweets.loadgen.send.Outcome;
import io.weathertweets.loadgen.tweets.LoadTweet;
import io.weathertweets.loadgen.tweets.TweetGenerator;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {

  @Test
  void shouldReadPercentilesOfAKnownHistogramInMilliseconds() {
    Histogram micros = new Histogram(3_600_000_000L, 3);
    for (long ms = 1; ms <= 1000; ms++) {
      micros.recordValue(ms * 1000);
    }

    Latency latency = Latency.of(micros);

    assertThat(latency.requests()).isEqualTo(1000);
    // Three significant digits: each figure within 0.1 % of the exact one.
    assertThat(latency.p50Ms()).isCloseTo(500, within(0.5));
    assertThat(latency.p90Ms()).isCloseTo(900, within(0.9));
    assertThat(latency.p99Ms()).isCloseTo(990, within(1.0));
    assertThat(latency.maxMs()).isCloseTo(1000, within(1.0));
  }

  @Test
  void shouldReportZerosForARunWithoutRequests() {
    assertThat(Latency.of(new Histogram(3))).isEqualTo(new Latency(0, 0, 0, 0, 0));
  }

  @Test
  void shouldCountEveryTweetOfARequestWithItsOutcomeAndOneLatencyPerRequest() {
    TweetGenerator generator = new TweetGenerator(9, 30);
    List<LoadTweet> batch = LongStream.range(0, 10).mapToObj(generator::get).toList();
    RunStats stats = new RunStats();

    stats.record(Outcome.ACCEPTED, batch, 2_000_000);
    stats.record(Outcome.rejected("400"), batch, 1_000_000);
    stats.record(Outcome.failed("503"), batch.subList(0, 4), 3_000_000);
    stats.record(Outcome.failed("timeout"), batch.subList(0, 1), 3_000_000);

    assertThat(stats.sent()).isEqualTo(25);
    assertThat(stats.accepted()).isEqualTo(10);
    assertThat(stats.rejectedBy()).isEqualTo(Map.of("400", 10L));
    assertThat(stats.failedBy()).isEqualTo(Map.of("503", 4L, "timeout", 1L));
    assertThat(stats.latencyMicros().getTotalCount()).isEqualTo(4);
    long mixco =
        batch.stream().filter(t -> t.municipality().orElseThrow() == Municipality.MIXCO).count();
    assertThat(stats.acceptedByMunicipality().get(Municipality.MIXCO)).isEqualTo(mixco);
    assertThat(stats.acceptedByMunicipality().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(10);
  }

  @Test
  void shouldPrintStatusBreakdownAndVerificationInText() {
    Report report =
        new Report(
            "http-single",
            "http://localhost:8080",
            42L,
            4,
            0,
            1,
            10,
            7,
            2,
            Map.of("400", 2L),
            1,
            Map.of("503", 1L),
            Map.of("mixco", 7L),
            2.0,
            5.0,
            new Latency(10, 1, 2, 3, 4),
            List.of(
                new PathResult("kafka", "redis://x", true, 120, 7, 7, List.of()),
                new PathResult(
                    "rabbit",
                    "redis://y",
                    false,
                    -1,
                    3,
                    3,
                    List.of("meta tweets_total grew by 3, expected 7"))));

    assertThat(report.verified()).isFalse();
    assertThat(report.toText())
        .contains("10 tweets in 2.00 s = 5 tweets/s")
        .contains("rejected       2 (400: 2)")
        .contains("failed         1 (503: 1)")
        .contains("p50 1.000 ms  p90 2.000 ms  p99 3.000 ms  max 4.000 ms")
        .contains(
            "verify kafka   ok: redis://x accounts for all 7 accepted tweets 120 ms after the last send")
        .contains("verify rabbit  FAILED: redis://y tweets_total +3");
    assertThat(report.toJson()).contains("\"visibleAfterMs\" : 120");
  }

  @Test
  void shouldTellAnUnverifiedPathFromAFailedOne() {
    PathResult passed = new PathResult("kafka", "redis://x", true, 120, 7, 7, List.of());
    PathResult unverified =
        PathResult.unverified(
            "rabbit",
            "redis://y",
            "could not take a quiet baseline: the RabbitMQ path's store was still changing (tweets_total went from 1 to 9)");
    PathResult failed =
        new PathResult("rabbit", "redis://y", false, -1, 3, 3, List.of("grew by 3, expected 7"));

    Report unchecked = report(List.of(passed, unverified));
    assertThat(unchecked.verdict()).isEqualTo(PathResult.Verdict.UNVERIFIED);
    assertThat(unchecked.verified()).isFalse();
    assertThat(unchecked.toText())
        .doesNotContain("FAILED")
        .contains(
            "verify rabbit  UNVERIFIED: redis://y not "
                + "checked: could not take a quiet baseline: the RabbitMQ path's store was still changing");
    assertThat(unchecked.toJson())
        .contains("\"verdict\" : \"UNVERIFIED\"")
        .contains("\"verdict\" : \"PASS\"");
    assertThat(report(List.of(failed, unverified)).verdict()).isEqualTo(PathResult.Verdict.FAILED);
    assertThat(report(List.of(passed)).verdict()).isEqualTo(PathResult.Verdict.PASS);
    assertThat(report(List.of()).verdict()).as("no --verify").isEqualTo(PathResult.Verdict.PASS);
  }

  private static Report report(List<PathResult> verification) {
    return new Report(
        "http-single",
        "http://localhost:8080",
        42L,
        4,
        0,
        1,
        7,
        7,
        0,
        Map.of(),
        0,
        Map.of(),
        Map.of("mixco", 7L),
        2.0,
        3.5,
        new Latency(7, 1, 2, 3, 4),
        verification);
  }

  @Test
  void shouldDrawAProportionalProgressBar() {
    assertThat(Progress.bar(50, 100, 2, 40, 5, 5))
        .startsWith("\r[" + "#".repeat(15) + ".".repeat(15) + "] 50/100  50%");
    assertThat(Progress.bar(100, 100, 2, 100, 0, 0))
        .contains("#".repeat(30))
        .contains("50 tweets/s");
  }
}
