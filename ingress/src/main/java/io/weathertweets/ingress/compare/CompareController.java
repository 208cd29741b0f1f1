package io.weathertweets.ingress.compare;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/compare}: Redis (Kafka path) against Valkey (RabbitMQ path), per municipality, per panel
 * and optionally per window. {@code GET /api/stores}: both stores' dashboard figures, for the live page.
 */
@RestController
@RequestMapping("/api")
class CompareController {
  private final CompareService compare;
  private final StoreReaders readers;

  CompareController(CompareService compare, StoreReaders readers) {
    this.compare = compare;
    this.readers = readers;
  }

  /**
   * 200 with {@code verdict} {@code equal} or {@code different}; 503 when a store cannot be read (the body
   * says which and why).
   *
   * @param window a window start (epoch ms) to compare that window's hashes too
   */
  @GetMapping("/compare")
  ResponseEntity<Comparison> compare(@RequestParam(name = "window", required = false) Long window) {
    Comparison comparison = compare.compare(window);
    HttpStatus status = "unavailable".equals(comparison.verdict()) ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK;
    return ResponseEntity.status(status).body(comparison);
  }

  @GetMapping("/stores")
  Map<String, Object> stores() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("redis", readOrError(readers.redis()));
    body.put("valkey", readOrError(readers.valkey()));
    body.put("readAt", System.currentTimeMillis());
    return body;
  }

  private static Object readOrError(io.weathertweets.aggregates.StoreReader reader) {
    try {
      return StoreSnapshot.read(reader);
    } catch (RuntimeException e) {
      return Map.of("error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
