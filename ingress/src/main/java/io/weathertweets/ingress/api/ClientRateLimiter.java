package io.weathertweets.ingress.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.weathertweets.ingress.IngressProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.util.OptionalLong;

/**
 * One Bucket4j token bucket per client. The buckets live in a Caffeine cache bounded in size and
 * dropped when idle: a flood of distinct addresses evicts the least recently seen clients (whose
 * buckets would be full again anyway) instead of growing the heap.
 */
final class ClientRateLimiter {
  /** Longest textual IP address (IPv6 with an embedded IPv4 part). */
  private static final int MAX_ADDRESS_LENGTH = 45;

  private final IngressProperties.RateLimit settings;
  private final Cache<String, Bucket> buckets;

  ClientRateLimiter(IngressProperties.RateLimit settings) {
    this.settings = settings;
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(settings.maxClients())
            .expireAfterAccess(settings.idleExpiry())
            .build();
  }

  /**
   * Takes one request from the client's bucket; empty when allowed, else the seconds until the next
   * token (>= 1).
   */
  OptionalLong tryAcquire(HttpServletRequest request) {
    Bucket bucket = buckets.get(client(request), key -> newBucket());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return OptionalLong.empty();
    }
    long nanos = probe.getNanosToWaitForRefill();
    return OptionalLong.of(Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L));
  }

  long trackedClients() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .addLimit(
            limit ->
                limit
                    .capacity(settings.burst())
                    .refillGreedy(settings.requests(), settings.period()))
        .build();
  }

  /**
   * The connection's address, or, behind a trusted proxy, the last address of X-Forwarded-For: the
   * one that proxy appended (earlier entries are whatever the client claimed). Anything that does
   * not look like an address falls back to the connection's, so a forged header can neither grow
   * the keys nor pick arbitrary ones.
   */
  String client(HttpServletRequest request) {
    if (settings.trustForwardedFor()) {
      String forwarded = request.getHeader("X-Forwarded-For");
      if (forwarded != null) {
        String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
        if (isAddress(last)) {
          return last;
        }
      }
    }
    return request.getRemoteAddr();
  }

  private static boolean isAddress(String text) {
    if (text.isEmpty() || text.length() > MAX_ADDRESS_LENGTH) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != '.' && c != ':') {
        return false;
      }
    }
    return true;
  }
}
