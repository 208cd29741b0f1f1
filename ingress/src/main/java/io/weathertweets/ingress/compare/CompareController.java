package io.weathertweets.ingress.compare;

import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.StoreReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /api/compare}: Redis (Kafka path) against Valkey (RabbitMQ path), per municipality,
 * per panel and optionally per window. {@code GET /api/stores}: both stores' dashboard figures and
 * consumer reports, and {@code GET /api/windows}: the newest closed windows of a municipality, for
 * the live page.
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
   * 200 with {@code verdict} {@code equal}, {@code different} or {@code configs_differ} (the two
   * consumers run with different window, dedup horizon or max-ahead; {@code message} says which);
   * 503 when a store cannot be read (the body says which and why).
   *
   * @param window a window start (epoch ms) to compare that window's hashes too
   */
  @GetMapping("/compare")
  ResponseEntity<Comparison> compare(@RequestParam(name = "window", required = false) Long window) {
    Comparison comparison = compare.compare(window);
    HttpStatus status =
        comparison.verdict() == Comparison.Verdict.UNAVAILABLE
            ? HttpStatus.SERVICE_UNAVAILABLE
            : HttpStatus.OK;
    return ResponseEntity.status(status).body(comparison);
  }

  @GetMapping("/stores")
  Map<String, Object> stores() {
    return readers.snapshots();
  }

  /**
   * The newest closed windows of one municipality in both stores, oldest first (each store's series
   * stream), for the live page's chart.
   *
   * @param last how many windows, 1 to 120
   */
  @GetMapping("/windows")
  Map<String, Object> windows(
      @RequestParam(name = "municipality") String municipality,
      @RequestParam(name = "last", defaultValue = "15") int last) {
    Municipality m =
        Municipality.parse(municipality)
            .orElseThrow(
                () ->
                    new ResponseStatusException(
                        HttpStatus.BAD_REQUEST,
                        "municipality must be one of "
                            + Municipality.ids()
                            + ", was: "
                            + municipality));
    if (last < 1 || last > 120) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "last must be 1 to 120, was: " + last);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("municipality", m.id());
    body.putAll(readers.all().map((path, reader) -> windowsOrError(reader, m, last)).byStore());
    return body;
  }

  private static Object windowsOrError(StoreReader reader, Municipality m, int last) {
    try {
      List<Map<String, Object>> windows = new ArrayList<>();
      reader
          .lastWindows(m, last)
          .forEach(
              (start, fields) -> {
                Map<String, Object> window = new LinkedHashMap<>();
                window.put("start", start);
                window.putAll(fields);
                windows.add(window);
              });
      return windows;
    } catch (RuntimeException e) {
      return Map.of("error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
