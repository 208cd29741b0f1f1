package io.weathertweets.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.ingress.IngressClient;
import io.weathertweets.ingress.WithFakeGateways;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The in-flight bounds against a gateway that stops answering: once max-in-flight requests (or
 * batch bodies of max-batch-bytes-in-flight) wait on it, further requests are refused at once with
 * 503 + Retry-After instead of piling up, and the slots come back when the waiting requests end.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=ingress",
      "weather.ingress.routing=kafka",
      "weather.ingress.max-in-flight=2",
      "weather.ingress.max-body-batch=1KB",
      "weather.ingress.max-batch-bytes-in-flight=1KB",
      "weather.ingress.forward-deadline=3s",
      "weather.ingress.retry-after=4s"
    })
class OverloadTest extends WithFakeGateways {
  static final String TWEET =
      """
      {"municipality":"chinautla","temperature":21,"humidity":64,"weather":"foggy"}""";

  @LocalServerPort int port;
  @Autowired MeterRegistry meters;

  @Test
  void shouldRefuseAtOnceWith503WhileEveryInFlightSlotWaitsOnASlowGateway() {
    IngressClient ingress = new IngressClient(port);
    KAFKA.neverAnswer();
    double overloadedBefore = rejected("overloaded");

    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<CompletableFuture<IngressClient.Response>> waiting =
          IntStream.range(0, 2)
              .mapToObj(
                  i ->
                      CompletableFuture.supplyAsync(
                          () -> ingress.postJson("/api/tweet", TWEET), clients))
              .toList();
      // The two may travel in one gateway call or two (the ingress coalesces concurrent requests):
      // count tweets.
      await().atMost(Duration.ofSeconds(5)).until(() -> inFlight() == 2 && tweetsAtGateway() == 2);

      long start = System.nanoTime();
      IngressClient.Response refused = ingress.postJson("/api/tweet", TWEET);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("4");
      assertThat(refused.contentType()).startsWith("application/problem+json");
      assertThat(refused.json().get("type").stringValue())
          .isEqualTo("tag:weathertweets.io,2026:problem/overloaded");
      // Refused without waiting for anything, and without reaching the gateway.
      assertThat(took).isLessThan(Duration.ofSeconds(1));
      assertThat(tweetsAtGateway()).isEqualTo(2);
      assertThat(rejected("overloaded")).isEqualTo(overloadedBefore + 1);

      // The two waiting requests end at their deadline (503, gateway unavailable) and give their
      // slots back.
      for (CompletableFuture<IngressClient.Response> request : waiting) {
        assertThat(request.join().status()).isEqualTo(503);
        assertThat(request.join().json().get("type").stringValue()).endsWith("gateway-unavailable");
      }
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> inFlight() == 0);
    KAFKA.reset();
    assertThat(ingress.postJson("/api/tweet", TWEET).status()).isEqualTo(202);
    assertThat(inFlight()).isZero();
  }

  @Test
  void shouldRefuseABatchWhoseBodyExceedsTheBytesLeftButAdmitASmallerOne() {
    IngressClient ingress = new IngressClient(port);
    KAFKA.neverAnswer();
    String large = batchOf(10);
    String medium = batchOf(4);
    String small = batchOf(2);
    int budget = 1024;
    assertThat(large.length() + medium.length()).isGreaterThan(budget);
    assertThat(large.length() + small.length()).isLessThanOrEqualTo(budget);

    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      CompletableFuture<IngressClient.Response> waitingLarge =
          CompletableFuture.supplyAsync(() -> ingress.postJson("/api/tweets", large), clients);
      await().atMost(Duration.ofSeconds(5)).until(() -> KAFKA.requests().size() == 1);
      assertThat(batchBytesInFlight()).isEqualTo(large.length());

      IngressClient.Response refused = ingress.postJson("/api/tweets", medium);
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("4");
      assertThat(refused.json().get("detail").stringValue())
          .contains("maximum of 1024 bytes of batch bodies");
      assertThat(KAFKA.requests()).hasSize(1);

      // A batch that fits into the bytes left is admitted beside the waiting one: it reaches the
      // gateway.
      CompletableFuture<IngressClient.Response> admitted =
          CompletableFuture.supplyAsync(() -> ingress.postJson("/api/tweets", small), clients);
      await().atMost(Duration.ofSeconds(5)).until(() -> KAFKA.requests().size() == 2);
      assertThat(waitingLarge.join().status()).isEqualTo(503);
      assertThat(admitted.join().status()).isEqualTo(503);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> inFlight() == 0 && batchBytesInFlight() == 0);
    KAFKA.reset();
    assertThat(ingress.postJson("/api/tweets", large).status()).isEqualTo(202);
    assertThat(batchBytesInFlight()).isZero();
  }

  /**
   * Spring matches the batch endpoint on the decoded path without {@code ;} parameters; the bytes
   * it takes must follow the endpoint the request reaches, however its URI spells it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"/api/tweets;v=1", "/api/tweet%73", "/api/tweets;jsessionid=x"})
  void shouldCountTheBatchBytesOfEverySpellingOfTheBatchPath(String path) {
    IngressClient ingress = new IngressClient(port);
    KAFKA.neverAnswer();
    String large = batchOf(10);

    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      CompletableFuture<IngressClient.Response> waiting =
          CompletableFuture.supplyAsync(() -> ingress.postJson(path, large), clients);
      await().atMost(Duration.ofSeconds(5)).until(() -> KAFKA.requests().size() == 1);
      assertThat(batchBytesInFlight()).isEqualTo(large.length());
      IngressClient.Response refused = ingress.postJson("/api/tweets", batchOf(4));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(waiting.join().status()).isEqualTo(503);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> inFlight() == 0 && batchBytesInFlight() == 0);
  }

  private static int tweetsAtGateway() {
    return KAFKA.requests().stream().mapToInt(request -> request.getTweetsCount()).sum();
  }

  private static String batchOf(int tweets) {
    return IntStream.range(0, tweets)
        .mapToObj(i -> TWEET)
        .collect(java.util.stream.Collectors.joining(",", "[", "]"));
  }

  private double batchBytesInFlight() {
    return meters.get("weather.ingress.batch.bytes.in.flight").gauge().value();
  }

  private double inFlight() {
    return meters.get("weather.ingress.in.flight").gauge().value();
  }

  private double rejected(String reason) {
    var counter = meters.find("weather.tweets.rejected").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }
}
