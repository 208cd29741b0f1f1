package io.weathertweets.ingress;

import io.weathertweets.ingress.forward.Routing;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the ingress ({@code weather.ingress.*} in ingress.yml). The gateway addresses are
 * Spring gRPC channels: {@code spring.grpc.client.channel.kafka-gateway.target} and {@code
 * ...rabbit-gateway.target}.
 *
 * @param routing which gateways get every tweet ({@code INGRESS_ROUTING})
 * @param forwardDeadline deadline of each Publish call to a gateway
 * @param forwardCallsInFlight calls to the gateways made at once; requests arriving while all are
 *     busy are forwarded together in the next call (at most {@code maxBatch} tweets), see {@code
 *     Coalescer}
 * @param retryAfter what a 503 tells the client to wait before retrying
 * @param maxBatch most tweets accepted by one POST /api/tweets
 * @param maxBodySingle largest body of POST /api/tweet
 * @param maxBodyBatch largest body of POST /api/tweets
 * @param maxInFlight most requests to /api/tweet(s) being handled at once (body read, validated,
 *     forwarded); beyond it the ingress answers 503 at once, so overload costs a refusal instead of
 *     memory
 * @param maxBatchBytesInFlight most body bytes of the {@code POST /api/tweets} among them (by
 *     Content-Length; a body of unknown length counts as {@code maxBodyBatch}): a batch's heap is a
 *     small multiple of its body, so this bounds the batches' memory while many small batches still
 *     go through at once; at least {@code maxBodyBatch}
 * @param rateLimit the per-client rate limit of /api/tweet(s)
 */
@ConfigurationProperties("weather.ingress")
public record IngressProperties(
    @DefaultValue("fanout") Routing routing,
    @DefaultValue("5s") Duration forwardDeadline,
    @DefaultValue("8") int forwardCallsInFlight,
    @DefaultValue("1s") Duration retryAfter,
    @DefaultValue("1000") int maxBatch,
    @DefaultValue("16KB") DataSize maxBodySingle,
    @DefaultValue("1MB") DataSize maxBodyBatch,
    @DefaultValue("256") int maxInFlight,
    @DefaultValue("16MB") DataSize maxBatchBytesInFlight,
    @DefaultValue RateLimit rateLimit) {

  public IngressProperties {
    if (forwardDeadline.isNegative() || forwardDeadline.isZero()) {
      throw new IllegalArgumentException(
          "weather.ingress.forward-deadline must be positive, was " + forwardDeadline);
    }
    if (forwardCallsInFlight < 1) {
      throw new IllegalArgumentException(
          "weather.ingress.forward-calls-in-flight must be at least 1, was "
              + forwardCallsInFlight);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException(
          "weather.ingress.max-batch must be at least 1, was " + maxBatch);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException(
          "weather.ingress.max-in-flight must be at least 1, was " + maxInFlight);
    }
    if (maxBatchBytesInFlight.compareTo(maxBodyBatch) < 0
        || maxBatchBytesInFlight.toBytes() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "weather.ingress.max-batch-bytes-in-flight must be at least max-body-batch ("
              + maxBodyBatch.toBytes()
              + " bytes) and below 2 GB, was "
              + maxBatchBytesInFlight.toBytes()
              + " bytes");
    }
  }

  /**
   * A token bucket per client ({@code weather.ingress.rate-limit.*}): {@code burst} requests at
   * once, refilled by {@code requests} per {@code period}. Beyond it the client gets 429 with
   * Retry-After.
   *
   * @param requests requests per period a client may keep sending; 0 turns rate limiting off
   * @param period the period of {@code requests}
   * @param burst how many requests a client may send at once after being quiet
   * @param trustForwardedFor identify the client by the last address of {@code X-Forwarded-For}
   *     (the one the reverse proxy in front of the ingress appended) instead of the connection's
   *     address; only behind a proxy that sets it, otherwise any client could pick its own identity
   * @param maxClients most clients whose buckets are kept; the least recently seen are dropped
   *     beyond it
   * @param idleExpiry a client's bucket is dropped after this long without requests (it would be
   *     full again)
   */
  public record RateLimit(
      @DefaultValue("2000") long requests,
      @DefaultValue("1s") Duration period,
      @DefaultValue("4000") long burst,
      @DefaultValue("false") boolean trustForwardedFor,
      @DefaultValue("100000") long maxClients,
      @DefaultValue("10m") Duration idleExpiry) {

    public RateLimit {
      if (requests < 0) {
        throw new IllegalArgumentException(
            "weather.ingress.rate-limit.requests must be >= 0 (0 = off), was " + requests);
      }
      if (requests > 0
          && (period.isNegative()
              || period.isZero()
              || burst < 1
              || maxClients < 1
              || idleExpiry.isNegative()
              || idleExpiry.isZero())) {
        throw new IllegalArgumentException(
            "weather.ingress.rate-limit: period and idle-expiry must be positive,"
                + " burst and max-clients at least 1");
      }
    }

    public boolean enabled() {
      return requests > 0;
    }
  }
}
