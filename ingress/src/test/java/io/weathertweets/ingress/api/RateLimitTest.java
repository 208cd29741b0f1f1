package io.weathertweets.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.ingress.IngressClient;
import io.weathertweets.ingress.WithFakeGateways;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The per-client rate limit over real HTTP: a bucket of 3 refilled by 1 per minute, so the figures
 * do not depend on how fast the test runs. Clients are told apart by X-Forwarded-For (trusted here,
 * as behind a proxy).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=ingress",
      "weather.ingress.routing=fanout",
      "weather.ingress.rate-limit.requests=1",
      "weather.ingress.rate-limit.period=1m",
      "weather.ingress.rate-limit.burst=3",
      "weather.ingress.rate-limit.trust-forwarded-for=true"
    })
class RateLimitTest extends WithFakeGateways {
  static final String TWEET =
      """
      {"municipality":"mixco","temperature":25,"humidity":70,"weather":"sunny"}""";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;
  @Autowired MeterRegistry meters;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldAnswer429WithRetryAfterOnceAClientExceedsItsBucketAndLeaveOtherClientsAlone() {
    double rateLimitedBefore = rejected("rate_limited");
    int forwardedBefore = KAFKA.requests().size();

    for (int i = 0; i < 3; i++) {
      assertThat(post("203.0.113.7").statusCode())
          .as("request %d within the burst", i)
          .isEqualTo(202);
    }
    HttpResponse<String> limited = post("203.0.113.7");
    HttpResponse<String> batchLimited = post("/api/tweets", "203.0.113.7", "[" + TWEET + "]");

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
    // One token per minute: the next one is at most a minute away.
    assertThat(retryAfter).isBetween(1L, 60L);
    JsonNode problem = JSON.readTree(limited.body());
    assertThat(problem.get("status").intValue()).isEqualTo(429);
    assertThat(problem.get("type").stringValue())
        .isEqualTo("tag:weathertweets.io,2026:problem/rate-limited");
    assertThat(problem.get("retryAfterSeconds").longValue()).isEqualTo(retryAfter);
    assertThat(problem.get("instance").stringValue()).isEqualTo("/api/tweet");
    assertThat(batchLimited.statusCode()).isEqualTo(429);
    assertThat(rejected("rate_limited")).isEqualTo(rateLimitedBefore + 2);
    // Refused requests reached no gateway.
    assertThat(KAFKA.requests()).hasSize(forwardedBefore + 3);

    // Another client, and the proxy's own address, still have full buckets.
    assertThat(post("203.0.113.8").statusCode()).isEqualTo(202);
    assertThat(post("2001:db8::42").statusCode()).isEqualTo(202);
    // The health endpoints are never limited, whoever asks.
    assertThat(new IngressClient(port).get("/actuator/health/liveness").status()).isEqualTo(200);
  }

  @Test
  void shouldKeyOnTheAddressTheProxyAppendedNotOnWhatTheClientClaimed() {
    String spoofed = "198.51.100.1, 198.51.100.2, ";
    for (int i = 0; i < 3; i++) {
      assertThat(post(spoofed + "203.0.113.20").statusCode()).isEqualTo(202);
    }
    // Changing the client-written part of the header does not give a fresh bucket.
    assertThat(post("10.9.9.9, 203.0.113.20").statusCode()).isEqualTo(429);
    // A header that is not an address falls back to the connection's address, which has its own
    // bucket.
    assertThat(post("not-an-address").statusCode()).isEqualTo(202);
  }

  private HttpResponse<String> post(String forwardedFor) {
    return post("/api/tweet", forwardedFor, TWEET);
  }

  private HttpResponse<String> post(String path, String forwardedFor, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("X-Forwarded-For", forwardedFor)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private double rejected(String reason) {
    var counter = meters.find("weather.tweets.rejected").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }
}
