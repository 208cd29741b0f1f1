package io.weathertweets.loadgen.verify;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.TweetPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The figures as the ingress reads them ({@code GET /api/stores}), for HTTP runs given no store
 * URL: the user needs to reach only the ingress, and the figures are the ones its live page shows.
 * Body:
 *
 * <pre>
 * {"redis":  {"municipalities": {"mixco": {"count": "12", ...}, ...}, "panels": {...},
 *             "meta": {"tweets_total": "40", ...}, "consumer": {"lag": 0, "stalled": null, ...}},
 *  "valkey": {...}, "readAt": 1765000000000}
 * </pre>
 *
 * Values as stored (strings); a municipality without tweets is absent; {@code consumer} is absent
 * or null while the path's consumer has written no report (older ingresses send none), its {@code
 * lag} null when unknown; a store the ingress cannot read appears as {@code {"error": "..."}}.
 */
public final class IngressFigures implements FigureSource {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final URI stores;
  private final List<TweetPath> paths;
  private final Duration timeout;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * @param ingress the ingress's base URL (as for sending)
   */
  public IngressFigures(URI ingress, List<TweetPath> paths, Duration timeout) {
    this.stores = URI.create(ingress.toString().replaceAll("/+$", "") + "/api/stores");
    this.paths = List.copyOf(paths);
    this.timeout = timeout;
  }

  @Override
  public Map<TweetPath, Reading> read() {
    JsonNode body;
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(stores).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return all(Reading.failed(stores + " answered HTTP " + response.statusCode()));
      }
      body = JSON.readTree(response.body());
    } catch (IOException | JacksonException e) {
      return all(Reading.failed(stores + " could not be read: " + e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return all(Reading.failed(stores + " could not be read: interrupted"));
    }
    Map<TweetPath, Reading> readings = new LinkedHashMap<>();
    for (TweetPath path : paths) {
      readings.put(path, parse(body.path(path.store())));
    }
    return readings;
  }

  /** One store's object of the body. */
  static Reading parse(JsonNode store) {
    if (store.isMissingNode() || store.isNull()) {
      return Reading.failed("the ingress's answer has no such store");
    }
    if (store.hasNonNull("error")) {
      return Reading.failed("the ingress cannot read it: " + store.get("error").asString());
    }
    try {
      Map<Municipality, Long> counts = new EnumMap<>(Municipality.class);
      for (Municipality m : Municipality.values()) {
        Map<String, String> fields = new LinkedHashMap<>();
        store
            .path("municipalities")
            .path(m.id())
            .properties()
            .forEach(e -> fields.put(e.getKey(), e.getValue().asString()));
        counts.put(m, Aggregate.fromFields(fields).count());
      }
      JsonNode total = store.path("meta").path("tweets_total");
      long tweetsTotal =
          total.isMissingNode() || total.isNull() || total.asString().isBlank()
              ? 0
              : Long.parseLong(total.asString().trim());
      JsonNode consumer = store.path("consumer");
      Long lag = consumer.path("lag").isNumber() ? consumer.get("lag").longValue() : null;
      String stalled =
          consumer.path("stalled").isString() ? consumer.get("stalled").asString() : null;
      return Reading.of(new StoreSnapshot(tweetsTotal, counts), lag, stalled);
    } catch (NumberFormatException e) {
      return Reading.failed("the ingress's figures are not numbers: " + e.getMessage());
    }
  }

  private Map<TweetPath, Reading> all(Reading reading) {
    Map<TweetPath, Reading> readings = new LinkedHashMap<>();
    paths.forEach(path -> readings.put(path, reading));
    return readings;
  }

  @Override
  public String describe(TweetPath path) {
    return stores + " (" + path.store() + ")";
  }

  @Override
  public void close() {
    client.close();
  }
}
