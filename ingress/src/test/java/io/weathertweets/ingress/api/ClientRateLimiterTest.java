package io.weathertweets.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.ingress.IngressProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class ClientRateLimiterTest {

  @Test
  void shouldIgnoreForwardedForUnlessTrusted() {
    ClientRateLimiter limiter = new ClientRateLimiter(settings(false, 10));
    MockHttpServletRequest request = request("192.0.2.10", "203.0.113.7");

    assertThat(limiter.client(request)).isEqualTo("192.0.2.10");
  }

  @Test
  void shouldKeepAtMostMaxClientsBucketsWhateverTheNumberOfAddresses() {
    ClientRateLimiter limiter = new ClientRateLimiter(settings(true, 100));

    for (int i = 0; i < 5_000; i++) {
      limiter.tryAcquire(request("192.0.2.10", "10.0." + (i / 256) + "." + (i % 256)));
    }

    assertThat(limiter.trackedClients()).isLessThanOrEqualTo(100);
  }

  private static IngressProperties.RateLimit settings(boolean trustForwardedFor, long maxClients) {
    return new IngressProperties.RateLimit(
        5, Duration.ofSeconds(1), 5, trustForwardedFor, maxClients, Duration.ofMinutes(10));
  }

  private static MockHttpServletRequest request(String remote, String forwardedFor) {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/tweet");
    request.setRemoteAddr(remote);
    request.addHeader("X-Forwarded-For", forwardedFor);
    return request;
  }
}
