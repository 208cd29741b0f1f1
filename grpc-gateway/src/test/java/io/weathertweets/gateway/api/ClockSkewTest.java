package io.weathertweets.gateway.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weathertweets.aggregates.EventTimeRule;
import io.weathertweets.gateway.publish.RecordingSink;
import io.weathertweets.proto.v1.Condition;
import io.weathertweets.proto.v1.Municipality;
import io.weathertweets.proto.v1.Tweet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two gateways behind one fan-out ingress, one of them on a clock 10 s slow: a tweet the ingress
 * accepted at the edge of max-ahead must be taken by both, or it is counted on one path only.
 */
class ClockSkewTest {
  private static final Instant INGRESS_NOW = Instant.parse("2026-12-08T10:00:00Z");

  private static TweetValidator gatewayAt(Instant now) {
    return new TweetValidator(
        RecordingSink.properties(1000),
        new SimpleMeterRegistry(),
        EventTimeRule.DEFAULT,
        Clock.fixed(now, ZoneOffset.UTC));
  }

  /** What the ingress forwards: stamped with its clock, the event time it accepted against it. */
  private static Tweet forwarded(Duration eventAhead) {
    return Tweet.newBuilder()
        .setId("skew")
        .setMunicipality(Municipality.MIXCO)
        .setTemperature(25)
        .setHumidity(70)
        .setCondition(Condition.SUNNY)
        .setEventTimeMs(INGRESS_NOW.plus(eventAhead).toEpochMilli())
        .setAcceptedAtMs(INGRESS_NOW.toEpochMilli())
        .build();
  }

  @Test
  void shouldTakeWhatTheIngressAcceptedOnBothGatewaysWhenOneClockIsSlow() {
    Tweet edge = forwarded(EventTimeRule.DEFAULT.maxAhead());
    TweetValidator inTime = gatewayAt(INGRESS_NOW);
    TweetValidator slow = gatewayAt(INGRESS_NOW.minusSeconds(10));

    assertThatCode(() -> inTime.requireValid(List.of(edge), "")).doesNotThrowAnyException();
    assertThatCode(() -> slow.requireValid(List.of(edge), "")).doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseOnBothWhatTheIngressWouldHaveRefused() {
    Tweet beyond = forwarded(EventTimeRule.DEFAULT.maxAhead().plusMillis(1));
    for (TweetValidator gateway :
        List.of(gatewayAt(INGRESS_NOW), gatewayAt(INGRESS_NOW.minusSeconds(10)))) {
      assertThatThrownBy(() -> gateway.requireValid(List.of(beyond), ""))
          .isInstanceOf(InvalidTweetException.class)
          .hasMessageContaining("event_time_ms");
    }
  }
}
