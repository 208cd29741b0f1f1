package io.weathertweets.ingress.api;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.ingress.IngressProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Decides whether a tweet request is handled at all, before its body is read: first the client's
 * rate limit (429), then a permit among {@code max-in-flight} (503), for a batch also its body's
 * bytes of {@code max-batch-bytes-in-flight} (503). All refuse at once rather than queue: the
 * ingress runs every request on its own virtual thread, so without a bound overload would pile up
 * threads, bodies and gateway calls until the heap gives out. Refusals are {@link
 * ProblemException}s, answered and counted by {@link ApiExceptionHandler}.
 */
final class AdmissionInterceptor implements HandlerInterceptor {
  private static final String PERMIT = AdmissionInterceptor.class.getName() + ".permit";
  private static final String BATCH_PERMIT = AdmissionInterceptor.class.getName() + ".batchPermit";
  static final String BATCH_PATTERN = "/api/tweets";

  private final ClientRateLimiter rateLimiter;
  private final Semaphore inFlight;

  /** One permit per body byte of the batches in flight. */
  private final Semaphore batchBytesInFlight;

  private final IngressProperties properties;

  AdmissionInterceptor(IngressProperties properties, MeterRegistry meters) {
    this.properties = properties;
    this.rateLimiter =
        properties.rateLimit().enabled() ? new ClientRateLimiter(properties.rateLimit()) : null;
    this.inFlight = new Semaphore(properties.maxInFlight());
    this.batchBytesInFlight = new Semaphore((int) properties.maxBatchBytesInFlight().toBytes());
    Gauge.builder(
            "weather.ingress.in.flight",
            inFlight,
            s -> properties.maxInFlight() - s.availablePermits())
        .description("Tweet requests being handled now (bounded by weather.ingress.max-in-flight)")
        .register(meters);
    Gauge.builder(
            "weather.ingress.batch.bytes.in.flight",
            batchBytesInFlight,
            s -> properties.maxBatchBytesInFlight().toBytes() - s.availablePermits())
        .description(
            "Body bytes of the batch requests being handled now (bounded by max-batch-bytes-in-flight)")
        .baseUnit("bytes")
        .register(meters);
    if (rateLimiter != null) {
      Gauge.builder(
              "weather.ingress.rate.limit.clients", rateLimiter, ClientRateLimiter::trackedClients)
          .description(
              "Clients with a rate-limit bucket in memory (bounded by weather.ingress.rate-limit.max-clients)")
          .register(meters);
    }
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (rateLimiter != null) {
      OptionalLong retryAfter = rateLimiter.tryAcquire(request);
      if (retryAfter.isPresent()) {
        throw Problems.rateLimited(properties.rateLimit(), retryAfter.getAsLong());
      }
    }
    if (!inFlight.tryAcquire()) {
      throw Problems.overloaded(properties.maxInFlight() + " requests", properties.retryAfter());
    }
    request.setAttribute(PERMIT, Boolean.TRUE);
    // A batch holds up to max-body-batch and its parsed tweets, against a few hundred bytes for one
    // tweet: it takes as many byte permits as its body declares (the body reader never reads past
    // Content-Length or the limit). Which endpoint it is comes from the mapping that matched, not
    // the raw URI: "/api/tweets;v=1" and "/api/tweet%73" reach the batch handler too.
    if (BATCH_PATTERN.equals(
        String.valueOf(request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE)))) {
      int maxBody = (int) properties.maxBodyBatch().toBytes();
      long declared = request.getContentLengthLong();
      int bytes = declared < 0 ? maxBody : (int) Math.max(1, Math.min(declared, maxBody));
      if (!batchBytesInFlight.tryAcquire(bytes)) {
        // afterCompletion runs only for requests this method let through: give the first permit
        // back here.
        request.removeAttribute(PERMIT);
        inFlight.release();
        throw Problems.overloaded(
            properties.maxBatchBytesInFlight().toBytes() + " bytes of batch bodies",
            properties.retryAfter());
      }
      request.setAttribute(BATCH_PERMIT, bytes);
    }
    return true;
  }

  @Override
  public void afterCompletion(
      HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
    // Only a request that took a permit gives one back, however it ended.
    if (request.getAttribute(PERMIT) != null) {
      request.removeAttribute(PERMIT);
      inFlight.release();
    }
    if (request.getAttribute(BATCH_PERMIT) instanceof Integer bytes) {
      request.removeAttribute(BATCH_PERMIT);
      batchBytesInFlight.release(bytes);
    }
  }
}
