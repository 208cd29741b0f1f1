package io.weathertweets.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Forwarding under fanout: posts over HTTP and looks at what two fake gateways (real gRPC servers
 * on local ports) received and how their answers turn into 202, 503 and 400.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=ingress",
      "weather.ingress.routing=fanout",
      "weather.ingress.forward-deadline=700ms",
      "weather.ingress.retry-after=2s"
    })
class TweetForwardingTest extends WithFakeGateways {
  static final String COURSE =
      """
      {"municipality":"guatemala","temperature":18,"humidity":81,"weather":"rainy"}""";

  @LocalServerPort int port;
  @Autowired MeterRegistry meters;
  IngressClient ingress;

  @BeforeEach
  void setUp() {
    ingress = new IngressClient(port);
  }

  @Test
  void shouldAnswer202WithTheIdOnlyAfterBothGatewaysAcknowledged() {
    double kafkaBefore = accepted("kafka");

    IngressClient.Response response = ingress.postJson("/api/tweet", COURSE);

    assertThat(response.status()).isEqualTo(202);
    assertThat(response.contentType()).startsWith("application/json");
    String id = response.json().get("id").stringValue();
    assertThat(strings(response.json().get("paths"))).containsExactly("kafka", "rabbit");
    assertThat(KAFKA.requests()).hasSize(1);
    assertThat(RABBIT.requests()).hasSize(1);
    assertThat(KAFKA.tweets().getFirst().getId()).isEqualTo(id);
    assertThat(RABBIT.tweets()).isEqualTo(KAFKA.tweets());
    assertThat(accepted("kafka")).isEqualTo(kafkaBefore + 1);
    assertThat(
            meters
                .get("weather.forward.latency")
                .tag("path", "rabbit")
                .tag("outcome", "ok")
                .timer()
                .count())
        .isPositive();
  }

  @Test
  void shouldAnswer503NamingTheFailedPathAndGiveBackIdAndTimestampForTheRetry() {
    RABBIT.failWith(Status.UNAVAILABLE.withDescription("broker did not confirm in time"));
    double rejectedBefore = rejected("unavailable");

    IngressClient.Response response = ingress.postJson("/api/tweet", COURSE);

    assertThat(response.status()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonNode problem = response.json();
    assertThat(problem.get("type").stringValue())
        .isEqualTo("tag:weathertweets.io,2026:problem/gateway-unavailable");
    assertThat(problem.get("status").intValue()).isEqualTo(503);
    assertThat(strings(problem.get("failedPaths"))).containsExactly("rabbit");
    assertThat(strings(problem.get("acknowledgedPaths"))).containsExactly("kafka");
    assertThat(problem.get("failures").get(0).get("status").stringValue()).isEqualTo("UNAVAILABLE");
    assertThat(problem.get("detail").stringValue())
        .contains("rabbit", "UNAVAILABLE", "broker did not confirm in time");
    Tweet published = KAFKA.tweets().getFirst();
    assertThat(problem.get("id").stringValue()).isEqualTo(published.getId());
    assertThat(Instant.parse(problem.get("timestamp").stringValue()).toEpochMilli())
        .isEqualTo(published.getEventTimeMs());
    assertThat(rejected("unavailable")).isEqualTo(rejectedBefore + 1);

    // The client retries with what the 503 gave back: the same tweet reaches the path that missed
    // it.
    RABBIT.reset();
    IngressClient.Response retry =
        ingress.postJson(
            "/api/tweet",
            COURSE.replace(
                "}",
                ",\"id\":\""
                    + problem.get("id").stringValue()
                    + "\",\"timestamp\":\""
                    + problem.get("timestamp").stringValue()
                    + "\"}"));
    assertThat(retry.status()).isEqualTo(202);
    Tweet retried = RABBIT.tweets().getFirst();
    assertThat(retried.getId()).isEqualTo(published.getId());
    assertThat(retried.getEventTimeMs()).isEqualTo(published.getEventTimeMs());
  }

  @Test
  void shouldAnswer503WhenAGatewayMissesTheDeadline() {
    KAFKA.neverAnswer();

    long start = System.nanoTime();
    IngressClient.Response response = ingress.postJson("/api/tweet", COURSE);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(response.status()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(strings(response.json().get("failedPaths"))).containsExactly("kafka");
    assertThat(response.json().get("failures").get(0).get("status").stringValue())
        .isEqualTo("DEADLINE_EXCEEDED");
    assertThat(response.json().get("id").stringValue())
        .isEqualTo(RABBIT.tweets().getFirst().getId());
    // The deadline (700 ms) bounds the wait; both calls ran in parallel, not one after the other.
    assertThat(took)
        .isGreaterThanOrEqualTo(Duration.ofMillis(650))
        .isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void shouldCarryTheClientsIdAndTimestampUnchangedIntoTheV1Tweet() {
    IngressClient.Response iso =
        ingress.postJson(
            "/api/tweet",
            COURSE.replace(
                "}",
                ",\"id\":\"locust-7-000042\",\"timestamp\":\"2026-11-23T10:15:30.123-06:00\"}"));
    IngressClient.Response epoch =
        ingress.postJson(
            "/api/tweet",
            COURSE.replace("}", ",\"id\":\"locust-7-000043\",\"timestamp\":1795000000000}"));

    assertThat(iso.status()).isEqualTo(202);
    assertThat(iso.json().get("id").stringValue()).isEqualTo("locust-7-000042");
    assertThat(epoch.status()).isEqualTo(202);
    List<Tweet> tweets = KAFKA.tweets();
    assertThat(tweets)
        .extracting(Tweet::getId)
        .containsExactly("locust-7-000042", "locust-7-000043");
    assertThat(tweets.get(0).getEventTimeMs())
        .isEqualTo(Instant.parse("2026-11-23T16:15:30.123Z").toEpochMilli());
    assertThat(tweets.get(1).getEventTimeMs()).isEqualTo(1_795_000_000_000L);
    // Accepted-at is the ingress's clock, not the client's event time.
    assertThat(tweets.get(1).getAcceptedAtMs()).isNotEqualTo(tweets.get(1).getEventTimeMs());
    assertThat(RABBIT.tweets()).isEqualTo(tweets);
  }

  @Test
  void shouldPublishABatchAsOnePublishCallPerGatewayInRequestOrder() {
    String batch =
        IntStream.range(0, 250)
            .mapToObj(
                i ->
                    "{\"id\":\"b-"
                        + i
                        + "\",\"municipality\":\"amatitlan\",\"temperature\":"
                        + (i % 60)
                        + ",\"humidity\":50,\"weather\":\"cloudy\"}")
            .collect(Collectors.joining(",", "[", "]"));

    IngressClient.Response response = ingress.postJson("/api/tweets", batch);

    assertThat(response.status()).isEqualTo(202);
    assertThat(response.json().get("count").intValue()).isEqualTo(250);
    List<String> expectedIds = IntStream.range(0, 250).mapToObj(i -> "b-" + i).toList();
    assertThat(strings(response.json().get("ids"))).containsExactlyElementsOf(expectedIds);
    for (FakeGateway gateway : List.of(KAFKA, RABBIT)) {
      assertThat(gateway.requests()).hasSize(1);
      PublishRequest request = gateway.requests().getFirst();
      assertThat(request.getTweetsList())
          .extracting(Tweet::getId)
          .containsExactlyElementsOf(expectedIds);
      assertThat(request.getTweets(59).getTemperature()).isEqualTo(59);
    }
  }

  @Test
  void shouldGiveBackEveryIdAndTimestampOfABatchThatWasNotAcknowledged() {
    KAFKA.failWith(Status.RESOURCE_EXHAUSTED.withDescription("producer buffer full"));

    IngressClient.Response response =
        ingress.postJson("/api/tweets", "[" + COURSE + "," + COURSE + "]");

    assertThat(response.status()).isEqualTo(503);
    assertThat(strings(response.json().get("failedPaths"))).containsExactly("kafka");
    assertThat(strings(response.json().get("ids")))
        .containsExactlyElementsOf(RABBIT.tweets().stream().map(Tweet::getId).toList());
    assertThat(response.json().get("timestamps").size()).isEqualTo(2);
  }

  @Test
  void shouldAnswer400WithTheGatewaysMessageWhenAGatewayRejectsATweet() {
    KAFKA.failWith(
        Status.INVALID_ARGUMENT.withDescription("tweets[0].humidity: must be between 0 and 100"));

    IngressClient.Response response = ingress.postJson("/api/tweet", COURSE);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("type").stringValue())
        .isEqualTo("tag:weathertweets.io,2026:problem/rejected-by-gateway");
    assertThat(response.json().get("detail").stringValue()).contains("kafka", "tweets[0].humidity");
    assertThat(strings(response.json().get("failedPaths"))).containsExactly("kafka");
  }

  private double accepted(String path) {
    var counter = meters.find("weather.tweets.accepted").tag("path", path).counter();
    return counter == null ? 0 : counter.count();
  }

  private double rejected(String reason) {
    var counter = meters.find("weather.tweets.rejected").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  static List<String> strings(JsonNode array) {
    return array.values().stream().map(JsonNode::stringValue).toList();
  }
}
