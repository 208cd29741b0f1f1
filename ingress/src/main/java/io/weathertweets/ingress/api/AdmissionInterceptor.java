package io.weathertweets.ingress.api;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.ingress.IngressProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Decides whether a tweet request is handled at all, before its body is read: first the client's rate limit (429),
 * then a permit among {@code max-in-flight} (503), for a batch also one among {@code max-batches-in-flight} (503).
 * All refuse at once rather than queue: the ingress runs every request on its own virtual thread, so without a
 * bound overload would pile up threads, bodies and gateway calls until the heap gives out. Refusals are {@link ProblemException}s, answered and counted by
 * {@link ApiExceptionHandler}.
 */
final class AdmissionInterceptor implements HandlerInterceptor {
  private static final String PERMIT = AdmissionInterceptor.class.getName() + ".permit";
  private static final String BATCH_PERMIT = AdmissionInterceptor.class.getName() + ".batchPermit";

  private final ClientRateLimiter rateLimiter;
  private final Semaphore inFlight;
  private final Semaphore batchesInFlight;
  private final IngressProperties properties;

  AdmissionInterceptor(IngressProperties properties, MeterRegistry meters) {
    this.properties = properties;
    this.rateLimiter = properties.rateLimit().enabled() ? new ClientRateLimiter(properties.rateLimit()) : null;
    this.inFlight = new Semaphore(properties.maxInFlight());
    this.batchesInFlight = new Semaphore(properties.maxBatchesInFlight());
    Gauge.builder("weather.ingress.in.flight", inFlight, s -> properties.maxInFlight() - s.availablePermits())
        .description("Tweet requests being handled now (bounded by weather.ingress.max-in-flight)")
        .register(meters);
    if (rateLimiter != null) {
      Gauge.builder("weather.ingress.rate.limit.clients", rateLimiter, ClientRateLimiter::trackedClients)
          .description("Clients with a rate-limit bucket in memory (bounded by weather.ingress.rate-limit.max-clients)")
          .register(meters);
    }
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (rateLimiter != null) {
      OptionalLong retryAfter = rateLimiter.tryAcquire(request);
      if (retryAfter.isPresent()) {
        throw Problems.rateLimited(properties.rateLimit(), retryAfter.getAsLong());
      }
    }
    if (!inFlight.tryAcquire()) {
      throw Problems.overloaded(properties.maxInFlight(), "requests", properties.retryAfter());
    }
    request.setAttribute(PERMIT, Boolean.TRUE);
    // A batch may hold a body of max-body-batch and its parsed tweets: a few MB, against a few KB for one tweet.
    if (request.getRequestURI().endsWith("/tweets")) {
      if (!batchesInFlight.tryAcquire()) {
        // afterCompletion runs only for requests this method let through: give the first permit back here.
        request.removeAttribute(PERMIT);
        inFlight.release();
        throw Problems.overloaded(properties.maxBatchesInFlight(), "batch requests", properties.retryAfter());
      }
      request.setAttribute(BATCH_PERMIT, Boolean.TRUE);
    }
    return true;
  }

  @Override
  public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
      Exception ex) {
    // Only a request that took a permit gives one back, however it ended.
    if (request.getAttribute(PERMIT) != null) {
      request.removeAttribute(PERMIT);
      inFlight.release();
    }
    if (request.getAttribute(BATCH_PERMIT) != null) {
      request.removeAttribute(BATCH_PERMIT);
      batchesInFlight.release();
    }
  }
}
