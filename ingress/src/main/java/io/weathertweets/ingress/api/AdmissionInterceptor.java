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
 * then a permit among {@code max-in-flight} (503). Both refuse at once rather than queue: the ingress runs every
 * request on its own virtual thread, so without a bound overload would pile up threads, bodies and gateway calls
 * until the heap gives out. Refusals are {@link ProblemException}s, answered and counted by
 * {@link ApiExceptionHandler}.
 */
final class AdmissionInterceptor implements HandlerInterceptor {
  private static final String PERMIT = AdmissionInterceptor.class.getName() + ".permit";

  private final ClientRateLimiter rateLimiter;
  private final Semaphore inFlight;
  private final IngressProperties properties;

  AdmissionInterceptor(IngressProperties properties, MeterRegistry meters) {
    this.properties = properties;
    this.rateLimiter = properties.rateLimit().enabled() ? new ClientRateLimiter(properties.rateLimit()) : null;
    this.inFlight = new Semaphore(properties.maxInFlight());
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
      throw Problems.overloaded(properties.maxInFlight(), properties.retryAfter());
    }
    request.setAttribute(PERMIT, Boolean.TRUE);
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
  }
}
