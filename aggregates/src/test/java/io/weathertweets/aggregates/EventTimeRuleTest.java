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

  @Test
  void shouldJudgeATweetAtTheEdgeAsTheIngressDidOnAGatewayWhoseClockLags() {
    long edge = INGRESS_NOW + MAX_AHEAD;
    assertThat(RULE.violations(edge, INGRESS_NOW, INGRESS_NOW)).isEmpty();

    for (long lagMs : new long[] {1, 800, 10_000, EventTimeRule.CLOCK_SKEW.toMillis()}) {
      long gatewayNow = INGRESS_NOW - lagMs;
      assertThat(RULE.violations(edge, INGRESS_NOW, gatewayNow)).as("lag %d ms", lagMs).isEmpty();
      assertThat(RULE.violations(edge + 1, INGRESS_NOW, gatewayNow))
          .as("lag %d ms", lagMs)
          .extracting(TweetRules.Violation::field)
          .containsExactly(TweetRules.EVENT_TIME);
    }
  }

  @Test
  void shouldLetAStampedAcceptanceTimeGainNoMoreThanTheClockSkew() {
    long gatewayNow = INGRESS_NOW;
    long stampedAhead = gatewayNow + Duration.ofMinutes(4).toMillis();
    long bound = gatewayNow + EventTimeRule.CLOCK_SKEW.toMillis() + MAX_AHEAD;

    assertThat(RULE.violations(bound, stampedAhead, gatewayNow)).isEmpty();
    assertThat(RULE.violations(bound + 1, stampedAhead, gatewayNow))
        .extracting(TweetRules.Violation::field)
        .containsExactly(TweetRules.EVENT_TIME);
  }

  @Test
  void shouldJudgeAgainstTheReceiversClockWhenTheAcceptanceTimeIsEarlierOrAbsent() {
    long gatewayNow = INGRESS_NOW;
    long edge = gatewayNow + MAX_AHEAD;
    for (long accepted : new long[] {0, gatewayNow - Duration.ofHours(2).toMillis(), gatewayNow}) {
      assertThat(RULE.violations(edge, accepted, gatewayNow)).isEmpty();
      assertThat(RULE.violations(edge + 1, accepted, gatewayNow))
          .extracting(TweetRules.Violation::field)
          .containsExactly(TweetRules.EVENT_TIME);
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
