package io.weathertweets.loadgen.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.Municipality;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One store's object of the ingress's GET /api/stores, as the ingress writes it. */
class IngressFiguresTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void shouldReadTheFiguresAsStoredAndTheConsumersLag() {
    Reading reading =
        IngressFigures.parse(
            JSON.readTree(
                """
        {"municipalities": {"mixco": {"count": "12", "temperature_sum": "300", "sunny": "12"},
                            "chinautla": {"count": "3", "temperature_sum": "60", "rainy": "3"}},
         "panels": {"temperature:avg": {"mixco": "25.00"}},
         "meta": {"tweets_total": "15", "path": "kafka"},
         "consumer": {"consumer": "streams-app", "lag": 1204, "idleSeconds": 52, "reportAgeSeconds": 1,
                      "stalled": null, "summary": "1,204 tweets behind, nothing processed for 52 s"}}"""));

    assertThat(reading.error()).isNull();
    assertThat(reading.figures().tweetsTotal()).isEqualTo(15);
    assertThat(reading.figures().counts())
        .containsEntry(Municipality.MIXCO, 12L)
        .containsEntry(Municipality.CHINAUTLA, 3L)
        .containsEntry(Municipality.GUATEMALA, 0L)
        .containsEntry(Municipality.AMATITLAN, 0L);
    assertThat(reading.lag()).isEqualTo(1204L);
    assertThat(reading.stalled()).isNull();
  }

  @Test
  void shouldTakeAnEmptyStoreAndAMissingOrUnknownLagAsNoLagInformation() {
    Reading empty =
        IngressFigures.parse(
            JSON.readTree(
                """
        {"municipalities": {}, "panels": {}, "meta": {}, "consumer": null}"""));
    Reading olderIngress =
        IngressFigures.parse(
            JSON.readTree(
                """
        {"municipalities": {}, "panels": {}, "meta": {"tweets_total": "4"}}"""));
    Reading unknownLag =
        IngressFigures.parse(
            JSON.readTree(
                """
        {"municipalities": {}, "meta": {}, "consumer": {"lag": null, "stalled": "no report from the rabbit-bridge for 120 s"}}"""));

    assertThat(empty.figures().tweetsTotal()).isZero();
    assertThat(empty.figures().countSum()).isZero();
    assertThat(empty.lag()).isNull();
    assertThat(olderIngress.figures().tweetsTotal()).isEqualTo(4);
    assertThat(olderIngress.lag()).isNull();
    assertThat(unknownLag.lag()).isNull();
    assertThat(unknownLag.stalled()).isEqualTo("no report from the rabbit-bridge for 120 s");
  }

  @Test
  void shouldTurnAStoreTheIngressCannotReadIntoAFailedReading() {
    JsonNode body =
        JSON.readTree(
            """
        {"redis": {"error": "RedisConnectionException: Unable to connect"}, "readAt": 1}""");

    assertThat(IngressFigures.parse(body.path("redis")).error())
        .isEqualTo("the ingress cannot read it: RedisConnectionException: Unable to connect");
    assertThat(IngressFigures.parse(body.path("valkey")).readable()).isFalse();
    assertThat(
            IngressFigures.parse(
                    JSON.readTree(
                        """
        {"meta": {"tweets_total": "lots"}}"""))
                .error())
        .startsWith("the ingress's figures are not numbers");
  }
}
