package io.weathertweets.loadgen.send;

import io.weathertweets.loadgen.tweets.LoadTweet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * {@code POST /api/tweet} (one JSON object) or {@code POST /api/tweets} (a JSON array of up to
 * batch-size).
 */
public final class HttpSender implements Sender {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient client;
  private final URI uri;
  private final boolean batch;
  private final int batchSize;
  private final Duration timeout;

  public HttpSender(URI baseUrl, boolean batch, int batchSize, Duration timeout) {
    String base = baseUrl.toString().replaceAll("/+$", "");
    this.uri = URI.create(base + (batch ? "/api/tweets" : "/api/tweet"));
    this.batch = batch;
    this.batchSize = batch ? batchSize : 1;
    this.timeout = timeout;
    // HTTP/1.1: the default (HTTP/2) would try an h2c upgrade on every new plain-text connection.
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @Override
  public Outcome send(List<LoadTweet> tweets) {
    long now = System.currentTimeMillis();
    String body;
    if (batch) {
      ArrayNode array = JSON.createArrayNode();
      tweets.forEach(t -> array.add(t.httpBody(now)));
      body = JSON.writeValueAsString(array);
    } else {
      body = JSON.writeValueAsString(tweets.getFirst().httpBody(now));
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
      return Outcome.ofHttpStatus(response.statusCode());
    } catch (HttpConnectTimeoutException e) {
      return Outcome.failed("connect-timeout");
    } catch (HttpTimeoutException e) {
      return Outcome.failed("timeout");
    } catch (IOException e) {
      return Outcome.failed("io-" + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.failed("interrupted");
    }
  }

  @Override
  public int tweetsPerRequest() {
    return batchSize;
  }

  @Override
  public void close() {
    client.close();
  }
}
