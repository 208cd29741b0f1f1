package io.weathertweets.ingress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Talks to a running ingress over real HTTP, as Locust would. */
public final class IngressClient {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;

  public IngressClient(int port) {
    this.port = port;
  }

  /** The answer; {@code json} is null when the body is empty or not JSON. */
  public record Response(
      int status, java.net.http.HttpHeaders headers, String body, JsonNode json) {
    public String contentType() {
      return headers.firstValue("Content-Type").orElse("");
    }
  }

  public Response postJson(String path, String body) {
    return send("POST", path, "application/json", body);
  }

  public Response get(String path) {
    return send("GET", path, null, null);
  }

  /** {@code headers} are name, value pairs sent with the request. */
  public Response send(
      String method, String path, String contentType, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      if (response.body() != null
          && !response.body().isBlank()
          && response.headers().firstValue("Content-Type").orElse("").contains("json")) {
        json = JSON.readTree(response.body());
      }
      return new Response(response.statusCode(), response.headers(), response.body(), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
