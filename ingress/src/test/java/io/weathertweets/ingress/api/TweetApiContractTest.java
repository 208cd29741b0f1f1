package io.weathertweets.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.weathertweets.ingress.IngressClient;
import io.weathertweets.ingress.WithFakeGateways;
import io.weathertweets.proto.v1.Condition;
import io.weathertweets.proto.v1.Municipality;
import io.weathertweets.proto.v1.Tweet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP contract, table-driven, against the running ingress (Tomcat on a random port, real gRPC
 * channels to two fake gateways that acknowledge everything): every rule of a tweet, every status
 * code, and the problem body.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=ingress", "weather.ingress.routing=fanout"})
class TweetApiContractTest extends WithFakeGateways {

  static final String INVALID = "tag:weathertweets.io,2026:problem/invalid-tweet";
  static final String MALFORMED = "tag:weathertweets.io,2026:problem/malformed-json";
  static final String TOO_LARGE = "tag:weathertweets.io,2026:problem/content-too-large";
  static final String BLANK = "about:blank";

  @LocalServerPort int port;

  /**
   * One row of the table: a request and what must come back. {@code fields} are the problem's
   * {@code errors[].field} in order (empty for statuses without per-field errors).
   */
  record Case(
      String name,
      String method,
      String path,
      String contentType,
      String body,
      int status,
      String type,
      List<String> fields) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case single(String name, String body, int status, String type, String... fields) {
    return new Case(
        name, "POST", "/api/tweet", "application/json", body, status, type, List.of(fields));
  }

  static Case batch(String name, String body, int status, String type, String... fields) {
    return new Case(
        name, "POST", "/api/tweets", "application/json", body, status, type, List.of(fields));
  }

  static Case accepted(String name, String body) {
    return single(name, body, 202, null);
  }

  static final String COURSE =
      """
      {"municipality":"mixco","temperature":25,"humidity":70,"weather":"sunny"}""";

  /** The course body with one field replaced by raw JSON ({@code null} removes it). */
  static String with(String field, String rawValue) {
    JsonNode node = tools.jackson.databind.json.JsonMapper.builder().build().readTree(COURSE);
    var object = (tools.jackson.databind.node.ObjectNode) node;
    if (rawValue == null) {
      object.remove(field);
    } else {
      object.set(
          field, tools.jackson.databind.json.JsonMapper.builder().build().readTree(rawValue));
    }
    return object.toString();
  }

  static String courseWith(String extraFields) {
    return COURSE.substring(0, COURSE.length() - 1) + "," + extraFields + "}";
  }

  static String array(int n) {
    return IntStream.range(0, n).mapToObj(i -> COURSE).collect(Collectors.joining(",", "[", "]"));
  }

  static Stream<Case> table() {
    String id64 = "a".repeat(64);
    String id65 = "a".repeat(65);
    return Stream.of(
        // Accepted: the course body and the leniencies the contract promises.
        accepted("course body", COURSE),
        accepted(
            "names are case-insensitive and trimmed",
            """
            {"municipality":" MIXCO ","temperature":25,"humidity":70,"weather":"Sunny\\t"}"""),
        accepted("lowest temperature and humidity", with("temperature", "-50").replace("70", "0")),
        accepted(
            "highest temperature and humidity", with("temperature", "60").replace("70", "100")),
        accepted("whole number written with a fraction", with("temperature", "25.0")),
        accepted("id of 64 characters", courseWith("\"id\":\"" + id64 + "\"")),
        accepted(
            "ISO-8601 timestamp with offset",
            courseWith("\"timestamp\":\"2026-11-23T10:15:30-06:00\"")),
        accepted("epoch-millisecond timestamp", courseWith("\"timestamp\":1795000000000")),
        accepted(
            "unknown extra fields are ignored", courseWith("\"source\":\"locust\",\"tags\":[1,2]")),
        accepted("null id and timestamp mean none", courseWith("\"id\":null,\"timestamp\":null")),
        // Wrong types, each reported for its field.
        single(
            "temperature as a string", with("temperature", "\"25\""), 400, INVALID, "temperature"),
        single(
            "temperature with a fraction",
            with("temperature", "25.5"),
            400,
            INVALID,
            "temperature"),
        single(
            "temperature as a boolean", with("temperature", "true"), 400, INVALID, "temperature"),
        single("temperature null", with("temperature", "null"), 400, INVALID, "temperature"),
        single("humidity as an object", with("humidity", "{}"), 400, INVALID, "humidity"),
        single("municipality as a number", with("municipality", "5"), 400, INVALID, "municipality"),
        single("weather as an array", with("weather", "[\"sunny\"]"), 400, INVALID, "weather"),
        // Out of range and unknown values.
        single("temperature below -50", with("temperature", "-51"), 400, INVALID, "temperature"),
        single("temperature above 60", with("temperature", "61"), 400, INVALID, "temperature"),
        single("humidity below 0", with("humidity", "-1"), 400, INVALID, "humidity"),
        single("humidity above 100", with("humidity", "101"), 400, INVALID, "humidity"),
        single(
            "huge integer",
            with("humidity", "99999999999999999999999999"),
            400,
            INVALID,
            "humidity"),
        single("huge exponent", with("temperature", "1e400"), 400, INVALID, "temperature"),
        single(
            "integer just past int range",
            with("temperature", "2147483648"),
            400,
            INVALID,
            "temperature"),
        single(
            "unknown municipality",
            with("municipality", "\"zacapa\""),
            400,
            INVALID,
            "municipality"),
        single("empty municipality", with("municipality", "\"\""), 400, INVALID, "municipality"),
        single("unknown condition", with("weather", "\"snowy\""), 400, INVALID, "weather"),
        // Missing fields.
        single("municipality missing", with("municipality", null), 400, INVALID, "municipality"),
        single("weather missing", with("weather", null), 400, INVALID, "weather"),
        single(
            "empty object: every required field",
            "{}",
            400,
            INVALID,
            "municipality",
            "temperature",
            "humidity",
            "weather"),
        single(
            "every bad field at once",
            """
            {"id":"","municipality":"x","temperature":"hot","humidity":200,"weather":1,"timestamp":"soon"}""",
            400,
            INVALID,
            "id",
            "municipality",
            "temperature",
            "humidity",
            "weather",
            "timestamp"),
        // Optional fields.
        single("id too long", courseWith("\"id\":\"" + id65 + "\""), 400, INVALID, "id"),
        single("id empty", courseWith("\"id\":\"\""), 400, INVALID, "id"),
        single("id as a number", courseWith("\"id\":42"), 400, INVALID, "id"),
        single(
            "id with a control character", courseWith("\"id\":\"a\\u0000b\""), 400, INVALID, "id"),
        single(
            "timestamp not a date",
            courseWith("\"timestamp\":\"yesterday\""),
            400,
            INVALID,
            "timestamp"),
        single(
            "timestamp without offset",
            courseWith("\"timestamp\":\"2026-11-23T10:15:30\""),
            400,
            INVALID,
            "timestamp"),
        single("timestamp zero", courseWith("\"timestamp\":0"), 400, INVALID, "timestamp"),
        single("timestamp negative", courseWith("\"timestamp\":-5"), 400, INVALID, "timestamp"),
        single(
            "timestamp past year 9999",
            courseWith("\"timestamp\":253402300800000"),
            400,
            INVALID,
            "timestamp"),
        single(
            "timestamp as a boolean", courseWith("\"timestamp\":true"), 400, INVALID, "timestamp"),
        // Hostile clocks: ahead of the receiver by more than weather.time.max-ahead (5 min), or
        // before 2000.
        single(
            "timestamp two hours ahead",
            courseWith("\"timestamp\":" + (System.currentTimeMillis() + 7_200_000)),
            400,
            INVALID,
            "timestamp"),
        single(
            "timestamp in year 9999",
            courseWith("\"timestamp\":\"9999-12-31T23:59:59Z\""),
            400,
            INVALID,
            "timestamp"),
        single(
            "timestamp before 2000",
            courseWith("\"timestamp\":\"1999-12-31T23:59:59Z\""),
            400,
            INVALID,
            "timestamp"),
        accepted(
            "timestamp a minute ahead (a fast client clock)",
            courseWith("\"timestamp\":" + (System.currentTimeMillis() + 60_000))),
        // Bodies that are not one JSON object.
        single("malformed JSON", "{\"municipality\":", 400, MALFORMED, "$"),
        single("empty body", "", 400, MALFORMED, "$"),
        single("trailing garbage", COURSE + " x", 400, MALFORMED, "$"),
        single(
            "duplicated field",
            with("humidity", null).replace("}", ",\"humidity\":1,\"humidity\":2}"),
            400,
            MALFORMED,
            "$"),
        single("array to the single endpoint", "[" + COURSE + "]", 400, INVALID, "$"),
        single("bare string", "\"mixco\"", 400, INVALID, "$"),
        single(
            "body over 16 KiB",
            courseWith("\"pad\":\"" + "x".repeat(17 * 1024) + "\""),
            413,
            TOO_LARGE),
        new Case("text/plain", "POST", "/api/tweet", "text/plain", COURSE, 415, BLANK, List.of()),
        new Case(
            "form content",
            "POST",
            "/api/tweet",
            "application/x-www-form-urlencoded",
            "a=b",
            415,
            BLANK,
            List.of()),
        new Case("no content type", "POST", "/api/tweet", null, COURSE, 415, BLANK, List.of()),
        new Case("GET", "GET", "/api/tweet", null, null, 405, BLANK, List.of()),
        new Case(
            "PUT batch", "PUT", "/api/tweets", "application/json", "[]", 405, BLANK, List.of()),
        // Batches.
        batch("batch of 3", array(3), 202, null),
        batch("batch of 1000", array(1000), 202, null),
        batch("empty batch", "[]", 400, INVALID, "$"),
        batch("object to the batch endpoint", COURSE, 400, INVALID, "$"),
        batch("batch of 1001", array(1001), 413, TOO_LARGE),
        batch(
            "batch body over 1 MiB",
            "[" + courseWith("\"pad\":\"" + "x".repeat(1024 * 1024) + "\"") + "]",
            413,
            TOO_LARGE),
        batch(
            "every bad tweet and field of a batch",
            "["
                + String.join(
                    ",",
                    COURSE,
                    with("humidity", "\"wet\""),
                    "5",
                    COURSE,
                    with("temperature", "99").replace("sunny", "snowy"))
                + "]",
            400,
            INVALID,
            "[1].humidity",
            "[2]",
            "[4].temperature",
            "[4].weather"),
        batch("malformed batch", "[" + COURSE + ",", 400, MALFORMED, "$"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void shouldAnswerAsTheContractSays(Case c) {
    IngressClient.Response response =
        new IngressClient(port).send(c.method(), c.path(), c.contentType(), c.body());

    assertThat(response.status()).as(response.body()).isEqualTo(c.status());
    if (c.status() == 202) {
      assertThat(response.json().get("paths").values().stream().map(JsonNode::stringValue))
          .containsExactly("kafka", "rabbit");
      int count = c.path().endsWith("s") ? response.json().get("count").intValue() : 1;
      assertThat(KAFKA.tweets()).hasSize(count);
      assertThat(RABBIT.tweets()).hasSize(count);
      return;
    }
    // Nothing invalid ever reaches a broker.
    assertThat(KAFKA.requests()).isEmpty();
    assertThat(RABBIT.requests()).isEmpty();
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonNode problem = response.json();
    // RFC 9457: an absent type means about:blank (Spring leaves it out).
    assertThat(problem.has("type") ? problem.get("type").stringValue() : BLANK).isEqualTo(c.type());
    assertThat(problem.get("status").intValue()).isEqualTo(c.status());
    assertThat(problem.get("title").stringValue()).isNotBlank();
    assertThat(problem.get("detail").stringValue()).isNotBlank();
    assertThat(problem.get("instance").stringValue()).isEqualTo(c.path());
    if (c.fields().isEmpty()) {
      assertThat(problem.has("errors")).isFalse();
    } else {
      List<String> fields = new ArrayList<>();
      problem
          .get("errors")
          .values()
          .forEach(
              e -> {
                fields.add(e.get("field").stringValue());
                assertThat(e.get("message").stringValue()).isNotBlank();
              });
      assertThat(fields).containsExactlyElementsOf(c.fields());
    }
  }

  /**
   * Whatever the client's {@code Accept} says, the answer tells the truth about the forward: a 202
   * when both gateways took the tweet, and any refusal only when neither did. A refusal after the
   * forward would make the client resend a tweet already counted; with an id the ingress assigned,
   * the resend is a new tweet and would be counted twice.
   */
  @ParameterizedTest(name = "Accept: {0}")
  @MethodSource("acceptHeaders")
  void shouldNeverRefuseATweetTheGatewaysAlreadyTook(String accept) {
    for (String path : List.of("/api/tweet", "/api/tweets")) {
      KAFKA.reset();
      RABBIT.reset();
      int forwarded = path.endsWith("s") ? 2 : 1;
      String body = forwarded == 2 ? array(2) : COURSE;
      IngressClient.Response response =
          new IngressClient(port).send("POST", path, "application/json", body, "Accept", accept);

      if (response.status() == 202) {
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.json().get("paths").values().stream().map(JsonNode::stringValue))
            .containsExactly("kafka", "rabbit");
        assertThat(KAFKA.tweets()).hasSize(forwarded);
        assertThat(RABBIT.tweets()).hasSize(forwarded);
      } else {
        assertThat(response.status()).as(path + " " + response.body()).isEqualTo(406);
        assertThat(KAFKA.requests()).as(path + " forwarded, then refused").isEmpty();
        assertThat(RABBIT.requests()).as(path + " forwarded, then refused").isEmpty();
      }
    }
  }

  /**
   * A refusal after one gateway took the tweet names the id to resend with; it too must reach the
   * client whatever its Accept says.
   */
  @ParameterizedTest(name = "Accept: {0}")
  @ValueSource(
      strings = {"application/json;charset=ISO-8859-1", "application/json;charset=UTF-16", "*/*"})
  void shouldTellTheIdsToResendAfterAPartialForwardWhateverTheAccept(String accept) {
    RABBIT.failWith(Status.UNAVAILABLE.withDescription("broker down"));

    IngressClient.Response response =
        new IngressClient(port)
            .send("POST", "/api/tweet", "application/json", COURSE, "Accept", accept);

    assertThat(response.status()).as(response.body()).isEqualTo(503);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("id").stringValue())
        .isEqualTo(KAFKA.tweets().getFirst().getId());
  }

  static Stream<String> acceptHeaders() {
    return Stream.of(
        "application/json",
        "application/json;charset=UTF-8",
        "application/json;charset=ISO-8859-1",
        "application/json;charset=UTF-16",
        "application/json;charset=windows-1252",
        "application/*;charset=US-ASCII",
        "*/*",
        "text/html, */*;q=0.1",
        "application/problem+json",
        "application/xml",
        "text/plain",
        "application/json;q=0, text/plain");
  }

  /**
   * A body's tree is bounded by its bytes' worth of heap, not only the bytes themselves: empty
   * objects would parse into about 30 times their bytes, and sixteen large batches of them in
   * flight would fill the heap. Real tweets, extra fields and all, stay well inside the bound.
   */
  @Test
  void shouldRefuseABodyWhoseTreeWouldTakeMoreHeapThanItsBytesAllow() {
    IngressClient ingress = new IngressClient(port);

    for (int objects : new int[] {2_000, 40_000}) {
      String emptyObjects =
          IntStream.range(0, objects)
              .mapToObj(i -> "{}")
              .collect(Collectors.joining(",", "[", "]"));
      IngressClient.Response batch = ingress.postJson("/api/tweets", emptyObjects);
      assertThat(batch.status()).as("%d empty objects", objects).isEqualTo(413);
      assertThat(batch.json().get("detail").stringValue())
          .startsWith(
              "The body of POST /api/tweets holds more JSON values than its "
                  + emptyObjects.length()
                  + " bytes may");
    }
    String singleOfObjects =
        IntStream.range(0, 5_000).mapToObj(i -> "{}").collect(Collectors.joining(",", "[", "]"));
    IngressClient.Response single = ingress.postJson("/api/tweet", singleOfObjects);
    assertThat(single.status()).isEqualTo(413);
    assertThat(single.json().get("detail").stringValue())
        .startsWith("The body of POST /api/tweet holds more JSON values");
    assertThat(KAFKA.requests()).isEmpty();

    // Extra fields are ignored, not refused: a tweet with 60 of them, and a full batch of tweets
    // with a few each.
    String tags =
        IntStream.range(0, 60).mapToObj(Integer::toString).collect(Collectors.joining(","));
    assertThat(ingress.postJson("/api/tweet", courseWith("\"tags\":[" + tags + "]")).status())
        .isEqualTo(202);
    String extra = courseWith("\"source\":\"locust\",\"tags\":[1,2,3],\"station\":{\"id\":7}");
    String fullBatch =
        IntStream.range(0, 1000).mapToObj(i -> extra).collect(Collectors.joining(",", "[", "]"));
    assertThat(ingress.postJson("/api/tweets", fullBatch).status()).isEqualTo(202);
    assertThat(KAFKA.tweets()).hasSize(1001);
  }

  @Test
  void shouldExplainEachBadFieldInWordsAClientUnderstands() {
    IngressClient.Response response =
        new IngressClient(port)
            .postJson(
                "/api/tweet",
                """
        {"municipality":"zacapa","temperature":"25","humidity":101,"weather":"snowy","timestamp":"soon"}""");

    assertThat(response.status()).isEqualTo(400);
    assertThat(
            response.json().get("errors").values().stream()
                .map(e -> e.get("field").stringValue() + ": " + e.get("message").stringValue()))
        .containsExactly(
            "municipality: must be one of mixco, guatemala, amatitlan, chinautla, got string \"zacapa\"",
            "temperature: must be an integer, got string \"25\"",
            "humidity: must be between 0 and 100, got number 101",
            "weather: must be one of sunny, cloudy, rainy, foggy, got string \"snowy\"",
            "timestamp: must be an ISO-8601 date-time with offset (e.g. 2026-11-23T10:15:30Z) or epoch"
                + " milliseconds between 1 and 253402300799999, got string \"soon\"");
    assertThat(response.json().get("detail").stringValue())
        .isEqualTo("5 fields are invalid: municipality, temperature, humidity, weather, timestamp");
  }

  @Test
  void shouldForwardTheNormalisedTweetWithAssignedIdAndReceiveTime() {
    long before = System.currentTimeMillis();
    IngressClient.Response response =
        new IngressClient(port)
            .postJson(
                "/api/tweet",
                """
        {"municipality":" Chinautla","temperature":-3,"humidity":55,"weather":"FOGGY"}""");
    long after = System.currentTimeMillis();

    assertThat(response.status()).isEqualTo(202);
    Tweet tweet = KAFKA.tweets().getFirst();
    assertThat(tweet.getId()).isEqualTo(response.json().get("id").stringValue());
    // UUIDv7: version nibble 7, time-ordered.
    assertThat(java.util.UUID.fromString(tweet.getId()).version()).isEqualTo(7);
    assertThat(tweet.getMunicipality()).isEqualTo(Municipality.CHINAUTLA);
    assertThat(tweet.getCondition()).isEqualTo(Condition.FOGGY);
    assertThat(tweet.getTemperature()).isEqualTo(-3);
    assertThat(tweet.getHumidity()).isEqualTo(55);
    assertThat(tweet.getEventTimeMs()).isBetween(before, after);
    assertThat(tweet.getAcceptedAtMs()).isEqualTo(tweet.getEventTimeMs());
    assertThat(RABBIT.tweets()).containsExactly(tweet);
  }

  @Test
  void shouldAssignDistinctIdsInRequestOrderToABatch() {
    IngressClient.Response response = new IngressClient(port).postJson("/api/tweets", array(5));

    assertThat(response.status()).isEqualTo(202);
    List<String> ids =
        response.json().get("ids").values().stream().map(JsonNode::stringValue).toList();
    assertThat(ids).hasSize(5).doesNotHaveDuplicates();
    assertThat(KAFKA.tweets().stream().map(Tweet::getId)).containsExactlyElementsOf(ids);
    assertThat(Arrays.asList(response.json().get("count").intValue())).containsExactly(5);
  }
}
