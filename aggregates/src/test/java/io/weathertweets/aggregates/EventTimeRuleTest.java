package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Clocks that disagree: the ingress stamps {@code accepted_at_ms} with its clock and judged the
 * event time against it; each gateway judges again with its own clock. Under fan-out both gateways
 * must reach the ingress's verdict, or a tweet is counted on one path only.
 */
class EventTimeRuleTest {
  private static final EventTimeRule RULE = EventTimeRule.DEFAULT;
  private static final long INGRESS_NOW = Instant.parse("2026-12-08T10:00:00Z").toEpochMilli();
  private static final long MAX_AHEAD = RULE.maxAhead().toMillis();

  /**
   * An event at {@code lastAcceptedMs} passes, one a millisecond later is refused on its event time
   * alone.
   */
  private static void assertEdge(long lastAcceptedMs, long acceptedMs, long receiverNowMs) {
    String where = "accepted at " + acceptedMs + ", receiver at " + receiverNowMs;
    assertThat(RULE.violations(lastAcceptedMs, acceptedMs, receiverNowMs)).as(where).isEmpty();
    assertThat(RULE.violations(lastAcceptedMs + 1, acceptedMs, receiverNowMs))
        .as(where)
        .extracting(TweetRules.Violation::field)
        .containsExactly(TweetRules.EVENT_TIME);
  }

  @Test
  void shouldJudgeATweetAtTheEdgeAsTheIngressDidOnAGatewayWhoseClockLags() {
    long edge = INGRESS_NOW + MAX_AHEAD;
    assertEdge(edge, INGRESS_NOW, INGRESS_NOW);
    for (long lagMs : new long[] {1, 800, 10_000, EventTimeRule.CLOCK_SKEW.toMillis()}) {
      assertEdge(edge, INGRESS_NOW, INGRESS_NOW - lagMs);
    }
  }

  @Test
  void shouldLetAStampedAcceptanceTimeGainNoMoreThanTheClockSkew() {
    long gatewayNow = INGRESS_NOW;
    long stampedAhead = gatewayNow + Duration.ofMinutes(4).toMillis();
    assertEdge(
        gatewayNow + EventTimeRule.CLOCK_SKEW.toMillis() + MAX_AHEAD, stampedAhead, gatewayNow);
  }

  @Test
  void shouldJudgeAgainstTheReceiversClockWhenTheAcceptanceTimeIsEarlierOrAbsent() {
    long gatewayNow = INGRESS_NOW;
    for (long accepted : new long[] {0, gatewayNow - Duration.ofHours(2).toMillis(), gatewayNow}) {
      assertEdge(gatewayNow + MAX_AHEAD, accepted, gatewayNow);
    }
  }

  @Test
  void shouldStillRefuseAnAcceptanceTimeFurtherAheadThanMaxAhead() {
    long gatewayNow = INGRESS_NOW;
    assertThat(RULE.violations(gatewayNow, gatewayNow + MAX_AHEAD + 1, gatewayNow))
        .extracting(TweetRules.Violation::field)
        .containsExactly("accepted_at_ms");
  }
}
