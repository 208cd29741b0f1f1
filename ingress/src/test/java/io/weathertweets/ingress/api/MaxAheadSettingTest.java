package io.weathertweets.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.ingress.IngressClient;
import io.weathertweets.ingress.WithFakeGateways;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The ingress judges event time with the {@code weather.time.max-ahead} the consumers use
 * (PathSemantics, bound from {@code WEATHER_TIME_MAX_AHEAD}), not with a default of its own: raised
 * to three hours, a tweet two hours ahead is accepted, and one four hours ahead is refused.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=ingress", "weather.time.max-ahead=3h"})
class MaxAheadSettingTest extends WithFakeGateways {

  @LocalServerPort int port;

  @Test
  void shouldJudgeEventTimeWithTheConfiguredMaxAhead() {
    IngressClient client = new IngressClient(port);
    long now = System.currentTimeMillis();

    assertThat(
            client
                .postJson(
                    "/api/tweet",
                    TweetApiContractTest.courseWith("\"timestamp\":" + (now + 7_200_000)))
                .status())
        .isEqualTo(202);
    IngressClient.Response refused =
        client.postJson(
            "/api/tweet", TweetApiContractTest.courseWith("\"timestamp\":" + (now + 14_400_000)));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).contains("10800 s ahead");
  }
}
