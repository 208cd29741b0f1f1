package io.weathertweets.ingress;

import io.weathertweets.ingress.forward.Routing;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the ingress ({@code weather.ingress.*}; the defaults are here, ingress.yml only maps
 * environment variables). The gateway addresses are Spring gRPC channels: {@code
 * spring.grpc.client.channel.kafka-gateway.target} and {@code ...rabbit-gateway.target}.
 *
 * @param routing which gateways get every tweet ({@code INGRESS_ROUTING})
 * @param forwardDeadline deadline of each Publish call to a gateway
 * @param forwardCallsInFlight calls to the gateways made at once; requests arriving while all are
 *     busy are forwarded together in the next call (at most {@code maxBatch} tweets), see {@code
 *     Coalescer}
 * @param forwardPartialWait how long the next call waits for the gateway call on its way when both
 *     carry fewer than {@code maxBatch} tweets (only one such call travels at a time, so that
 *     requests at moderate load share calls); zero: calls never wait for each other, see {@code
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
@Validated
public record IngressProperties(
    @DefaultValue("fanout") @NotNull Routing routing,
    @DefaultValue("5s") @DurationMin(millis = 1) Duration forwardDeadline,
    @DefaultValue("8") @Positive int forwardCallsInFlight,
    @DefaultValue("20ms") @DurationMin(millis = 0) Duration forwardPartialWait,
    @DefaultValue("1s") @DurationMin(millis = 0) Duration retryAfter,
    @DefaultValue("1000") @Positive int maxBatch,
    @DefaultValue("16KB") @NotNull DataSize maxBodySingle,
    @DefaultValue("1MB") @NotNull DataSize maxBodyBatch,
    @DefaultValue("256") @Positive int maxInFlight,
    @DefaultValue("16MB") @NotNull DataSize maxBatchBytesInFlight,
    @DefaultValue @Valid RateLimit rateLimit) {

  /** {@code max-batch-bytes-in-flight} holds at least one largest batch and stays below 2 GB. */
  @AssertTrue(
      message =
          "weather.ingress.max-batch-bytes-in-flight (INGRESS_MAX_BATCH_BYTES_IN_FLIGHT) must be at"
              + " least weather.ingress.max-body-batch and below 2 GB")
  public boolean isMaxBatchBytesInFlightBetweenMaxBodyBatchAnd2Gb() {
    return maxBatchBytesInFlight.compareTo(maxBodyBatch) >= 0
        && maxBatchBytesInFlight.toBytes() <= Integer.MAX_VALUE;
  }

  /** A partial call waits less than a call may take, or held requests would run out of time. */
  @AssertTrue(
      message =
          "weather.ingress.forward-partial-wait (INGRESS_FORWARD_PARTIAL_WAIT) must be shorter than"
              + " weather.ingress.forward-deadline")
  public boolean isForwardPartialWaitBelowForwardDeadline() {
    return forwardPartialWait.compareTo(forwardDeadline) < 0;
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
      @DefaultValue("2000") @PositiveOrZero long requests,
      @DefaultValue("1s") @NotNull Duration period,
      @DefaultValue("4000") long burst,
      @DefaultValue("false") boolean trustForwardedFor,
      @DefaultValue("100000") long maxClients,
      @DefaultValue("10m") @NotNull Duration idleExpiry) {

    /** The rest is checked only while the limit is on: with {@code requests=0} nothing is used. */
    @AssertTrue(
        message =
            "with weather.ingress.rate-limit.requests (INGRESS_RATE_LIMIT) above 0, period and"
                + " idle-expiry must be positive and burst (INGRESS_RATE_LIMIT_BURST) and max-clients"
                + " at least 1")
    public boolean isUsableWhenOn() {
      return !enabled()
          || (period.isPositive() && idleExpiry.isPositive() && burst >= 1 && maxClients >= 1);
    }

    public boolean enabled() {
      return requests > 0;
    }
  }
}
