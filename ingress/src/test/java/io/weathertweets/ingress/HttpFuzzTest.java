package io.weathertweets.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Hostile input against the real ingress (Tomcat on a random port, real gRPC channels to two fake
 * gateways that record what they receive): over ten thousand malformed bodies sent as raw bytes.
 * Every one must get a 4xx with a problem+json body, none a 5xx, none may reach a gateway, and the
 * ingress must stay healthy and keep accepting valid tweets afterwards. Seeded: the same bodies
 * every run.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=ingress",
      "weather.ingress.routing=fanout",
      // The fuzz run is one client sending as fast as it can; the rate limit has its own test.
      "weather.ingress.rate-limit.requests=0"
    })
class HttpFuzzTest extends WithFakeGateways {
  private static final long SEED = 20261123L;
  private static final int CASES = 10_500;
  private static final String JSON = "application/json";
  private static final List<String> MUNICIPALITIES = Municipality.ids();
  private static final List<String> WEATHERS = Condition.ids();
  private static final String[] REQUIRED = {"municipality", "temperature", "humidity", "weather"};

  @LocalServerPort int port;

  /** One request: where it goes, its Content-Type (null for none) and its body bytes. */
  record Case(String category, String path, String contentType, byte[] body) {}

  @Test
  void shouldAnswerEveryMalformedBodyWith4xxProblemAndForwardNothing() {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    Map<String, Function<Random, Case>> generators = generators();
    List<String> categories = List.copyOf(generators.keySet());
    Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    Map<String, Map<Integer, LongAdder>> byCategory = new ConcurrentHashMap<>();
    List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    LongAdder bytes = new LongAdder();

    long start = System.nanoTime();
    try (ExecutorService workers = Executors.newFixedThreadPool(4)) {
      List<CompletableFuture<Void>> runs =
          IntStream.range(0, CASES)
              .mapToObj(
                  i ->
                      CompletableFuture.runAsync(
                          () -> {
                            Case fuzz =
                                generators
                                    .get(categories.get(i % categories.size()))
                                    .apply(new Random(SEED * 31 + i));
                            bytes.add(fuzz.body().length);
                            HttpResponse<String> response = send(http, fuzz);
                            int status = response.statusCode();
                            byStatus.computeIfAbsent(status, k -> new LongAdder()).increment();
                            byCategory
                                .computeIfAbsent(fuzz.category(), k -> new ConcurrentHashMap<>())
                                .computeIfAbsent(status, k -> new LongAdder())
                                .increment();
                            String type = response.headers().firstValue("Content-Type").orElse("");
                            if ((status < 400
                                    || status >= 500
                                    || !type.startsWith("application/problem+json"))
                                && unexpected.size() < 20) {
                              unexpected.add(
                                  "case "
                                      + i
                                      + " ("
                                      + fuzz.category()
                                      + ", "
                                      + fuzz.path()
                                      + ", "
                                      + fuzz.contentType()
                                      + ", "
                                      + fuzz.body().length
                                      + " bytes): "
                                      + status
                                      + " "
                                      + type
                                      + " "
                                      + brief(response.body()));
                            }
                          },
                          workers))
              .toList();
      CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    StringBuilder report =
        new StringBuilder(
            "HTTP fuzz: "
                + CASES
                + " requests, "
                + bytes.sum()
                + " body bytes, seed "
                + SEED
                + ", "
                + took.toMillis()
                + " ms\n  by status: "
                + sorted(byStatus)
                + "\n");
    new TreeMap<>(byCategory)
        .forEach(
            (category, statuses) ->
                report
                    .append("  ")
                    .append(category)
                    .append(": ")
                    .append(sorted(statuses))
                    .append('\n'));
    System.out.println(report);

    assertThat(unexpected).as("answers that are not a 4xx problem").isEmpty();
    assertThat(byStatus.keySet()).allSatisfy(status -> assertThat(status).isBetween(400, 499));
    assertThat(byStatus.values().stream().mapToLong(LongAdder::sum).sum()).isEqualTo(CASES);
    assertThat(KAFKA.requests()).as("requests that reached the kafka gateway").isEmpty();
    assertThat(RABBIT.requests()).as("requests that reached the rabbit gateway").isEmpty();

    IngressClient ingress = new IngressClient(port);
    IngressClient.Response health = ingress.get("/actuator/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("status").stringValue()).isEqualTo("UP");
    // Still serving: a valid tweet goes through, and it is the only thing the gateways ever got.
    assertThat(ingress.postJson("/api/tweet", tweet(new Random(SEED))).status()).isEqualTo(202);
    assertThat(KAFKA.requests()).hasSize(1);
    assertThat(RABBIT.requests()).hasSize(1);
  }

  private HttpResponse<String> send(HttpClient http, Case fuzz) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + fuzz.path()))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(fuzz.body()));
    if (fuzz.contentType() != null) {
      request.header("Content-Type", fuzz.contentType());
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(
          "no answer to a " + fuzz.category() + " request of " + fuzz.body().length + " bytes", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Function<Random, Case>> generators() {
    Map<String, Function<Random, Case>> g = new TreeMap<>();
    g.put(
        "wrong types",
        r -> {
          Map<String, String> fields = fields(r);
          String field = REQUIRED[r.nextInt(4)];
          fields.put(field, wrongType(r, field.equals("temperature") || field.equals("humidity")));
          return either(r, "wrong types", object(fields));
        });
    g.put(
        "huge numbers",
        r -> {
          Map<String, String> fields = fields(r);
          // Out of every field's range, the timestamp's (up to 253402300799999) included.
          String[] huge = {
            "1" + "0".repeat(15 + r.nextInt(900)),
            "-" + "9".repeat(11 + r.nextInt(900)),
            "1e309",
            "-1e400",
            "1e" + (15 + r.nextInt(1_000_000)),
            "9223372036854775808",
            "18446744073709551616",
            "25.5",
            "-0.5e11"
          };
          String field = r.nextInt(3) == 0 ? "timestamp" : REQUIRED[1 + r.nextInt(2)];
          fields.put(field, huge[r.nextInt(huge.length)]);
          return either(r, "huge numbers", object(fields));
        });
    g.put(
        "numbers over 1000 digits",
        r -> {
          Map<String, String> fields = fields(r);
          fields.put(REQUIRED[1 + r.nextInt(2)], "1".repeat(1001 + r.nextInt(10_000)));
          return batch(r, "numbers over 1000 digits", object(fields));
        });
    g.put(
        "deep nesting",
        r -> {
          int depth = 501 + r.nextInt(100_000);
          String open =
              switch (r.nextInt(3)) {
                case 0 -> "[";
                case 1 -> "{\"a\":";
                default -> "[{\"municipality\":";
              };
          String body = open.repeat(open.length() == 1 ? depth : Math.min(depth, 50_000));
          // Sometimes closed properly: still too deep for the parser's nesting limit.
          if (open.equals("[") && r.nextBoolean()) {
            body = body + "]".repeat(body.length());
          }
          return new Case("deep nesting", "/api/tweets", JSON, utf8(body));
        });
    g.put(
        "invalid utf-8",
        r -> {
          // A valid tweet but for bytes that are not UTF-8 inside its id (or another string): must
          // not slip through as replacement characters.
          Map<String, String> fields = fields(r);
          fields.put("id", "\"MARK-" + Long.toHexString(r.nextLong()) + "\"");
          byte[] body = utf8(object(fields));
          byte[][] bad = {
            {(byte) 0xC3, 0x28},
            {(byte) 0xFF},
            {(byte) 0x80},
            {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0xE2, (byte) 0x82}
          };
          byte[] insert = bad[r.nextInt(bad.length)];
          int at = indexOf(body, utf8("MARK-")) + r.nextInt(5);
          System.arraycopy(insert, 0, body, at, Math.min(insert.length, 5));
          return either(r, "invalid utf-8", body);
        });
    g.put(
        "huge arrays",
        r -> {
          int n = 1001 + r.nextInt(3000);
          String element = r.nextBoolean() ? tweet(r) : "1";
          return new Case(
              "huge arrays",
              "/api/tweets",
              JSON,
              utf8(
                  IntStream.range(0, n)
                      .mapToObj(i -> element)
                      .collect(Collectors.joining(",", "[", "]"))));
        });
    g.put(
        "missing fields",
        r -> {
          Map<String, String> fields = fields(r);
          for (int i = 1 + r.nextInt(4); i > 0; i--) {
            fields.remove(REQUIRED[r.nextInt(4)]);
          }
          return either(r, "missing fields", object(fields));
        });
    g.put(
        "random bytes",
        r -> {
          byte[] body = new byte[r.nextInt(4096)];
          r.nextBytes(body);
          return new Case(
              "random bytes", r.nextBoolean() ? "/api/tweet" : "/api/tweets", JSON, body);
        });
    g.put(
        "truncated",
        r -> {
          String whole =
              r.nextBoolean()
                  ? tweet(r)
                  : IntStream.range(0, 1 + r.nextInt(5))
                      .mapToObj(i -> tweet(r))
                      .collect(Collectors.joining(",", "[", "]"));
          String path = whole.startsWith("[") ? "/api/tweets" : "/api/tweet";
          return new Case(
              "truncated", path, JSON, utf8(whole.substring(0, r.nextInt(whole.length()))));
        });
    g.put(
        "duplicate keys",
        r -> {
          String field = REQUIRED[r.nextInt(4)];
          String body = tweet(r);
          body =
              body.substring(0, body.length() - 1)
                  + ",\""
                  + field
                  + "\":"
                  + fields(r).get(field)
                  + "}";
          return either(r, "duplicate keys", body);
        });
    g.put(
        "NaN and Infinity",
        r -> {
          Map<String, String> fields = fields(r);
          String[] values = {
            "NaN",
            "Infinity",
            "-Infinity",
            "+Infinity",
            "nan",
            "inf",
            "+25",
            "0x19",
            "025",
            ".5",
            "undefined",
            "'mixco'",
            "True"
          };
          fields.put(
              r.nextInt(4) == 0 ? "timestamp" : REQUIRED[r.nextInt(4)],
              values[r.nextInt(values.length)]);
          return either(r, "NaN and Infinity", object(fields));
        });
    g.put(
        "very long strings",
        r -> {
          Map<String, String> fields = fields(r);
          String field = r.nextInt(3) == 0 ? "id" : REQUIRED[r.nextBoolean() ? 0 : 3];
          fields.put(field, "\"" + "a".repeat(65 + r.nextInt(900_000)) + "\"");
          return either(r, "very long strings", object(fields));
        });
    g.put(
        "wrong content types",
        r -> {
          String[] types = {
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/octet-stream",
            "text/json",
            "application/x-protobuf",
            "not a media type",
            "application/",
            "*/*",
            "application/json-seq",
            null
          };
          String type = types[r.nextInt(types.length)];
          return new Case(
              "wrong content types",
              r.nextBoolean() ? "/api/tweet" : "/api/tweets",
              type,
              utf8(r.nextBoolean() ? tweet(r) : "[" + tweet(r) + "]"));
        });
    g.put(
        "out-of-range and unknown values",
        r -> {
          Map<String, String> fields = fields(r);
          switch (r.nextInt(7)) {
            case 0 ->
                fields.put(
                    "temperature",
                    Integer.toString(
                        r.nextBoolean() ? 61 + r.nextInt(1000) : -51 - r.nextInt(1000)));
            case 1 ->
                fields.put(
                    "humidity",
                    Integer.toString(
                        r.nextBoolean() ? 101 + r.nextInt(1000) : -1 - r.nextInt(1000)));
            case 2 ->
                fields.put(
                    "municipality",
                    "\""
                        + pick(r, "villa nueva", "", " ", "mixco.", "MIXC0", "mixco\\u0001x")
                        + "\"");
            case 3 ->
                fields.put(
                    "weather",
                    "\"" + pick(r, "snowy", "", "sunny!", "sun ny", "\\u0073unnyy") + "\"");
            case 4 ->
                fields.put(
                    "timestamp",
                    pick(
                        r,
                        "0",
                        "-1",
                        "\"yesterday\"",
                        "\"2026-13-01T00:00:00Z\"",
                        "\"2026-11-23T10:15:30\"",
                        "253402300800000",
                        "\"+10000-01-01T00:00:00Z\"",
                        "1e30"));
            case 5 ->
                fields.put(
                    "id",
                    pick(
                        r,
                        "\"\"",
                        "\"tab\\there\"",
                        "\"nl\\nx\"",
                        "\"x\\u0000\"",
                        "\"" + "i".repeat(65) + "\""));
            default ->
                fields.put(
                    "id",
                    pick(r, "\"\\ud800\"", "\"a\\udc00b\"", "\"\\ud83d\"", "\"x\\udfff\\ud800\""));
          }
          return either(r, "out-of-range and unknown values", object(fields));
        });
    g.put(
        "not a tweet document",
        r -> {
          // None of these is a tweet or a batch, whichever endpoint gets it.
          String body =
              pick(
                  r,
                  "",
                  " ",
                  "\n\t ",
                  "null",
                  "true",
                  "42",
                  "\"tweet\"",
                  "[]",
                  "{}",
                  "[[]]",
                  "[null]",
                  "[{}]",
                  "{\"tweets\":[]}",
                  "[1,2,3]",
                  "{} {}",
                  tweet(r) + " x",
                  "[" + tweet(r) + "] ]",
                  "\uFEFF");
          return new Case(
              "not a tweet document", pick(r, "/api/tweet", "/api/tweets"), JSON, utf8(body));
        });
    g.put(
        "oversized bodies",
        r ->
            r.nextBoolean()
                ? new Case(
                    "oversized bodies",
                    "/api/tweet",
                    JSON,
                    utf8(padded(tweet(r), 16 * 1024 + 1 + r.nextInt(200_000))))
                : new Case(
                    "oversized bodies",
                    "/api/tweets",
                    JSON,
                    utf8(padded("[" + tweet(r) + "]", 1024 * 1024 + 1 + r.nextInt(500_000)))));
    return g;
  }

  private static String pick(Random r, String... values) {
    return values[r.nextInt(values.length)];
  }

  /** The same body to the single or the batch endpoint (wrapped in an array there). */
  private static Case either(Random r, String category, String tweet) {
    return either(r, category, utf8(tweet));
  }

  private static Case either(Random r, String category, byte[] tweet) {
    return r.nextBoolean()
        ? new Case(category, "/api/tweet", JSON, tweet)
        : batch(r, category, tweet);
  }

  /** A batch of valid tweets with the bad one somewhere in it. */
  private static Case batch(Random r, String category, String tweet) {
    return batch(r, category, utf8(tweet));
  }

  private static Case batch(Random r, String category, byte[] tweet) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int before = r.nextInt(3);
    int after = r.nextInt(3);
    out.writeBytes(utf8("["));
    for (int i = 0; i < before; i++) {
      out.writeBytes(utf8(tweet(r) + ","));
    }
    out.writeBytes(tweet);
    for (int i = 0; i < after; i++) {
      out.writeBytes(utf8("," + tweet(r)));
    }
    out.writeBytes(utf8("]"));
    return new Case(category, "/api/tweets", JSON, out.toByteArray());
  }

  /** The JSON values of a valid tweet, by field. */
  private static Map<String, String> fields(Random r) {
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    fields.put("municipality", "\"" + MUNICIPALITIES.get(r.nextInt(MUNICIPALITIES.size())) + "\"");
    fields.put("temperature", Integer.toString(-50 + r.nextInt(111)));
    fields.put("humidity", Integer.toString(r.nextInt(101)));
    fields.put("weather", "\"" + WEATHERS.get(r.nextInt(WEATHERS.size())) + "\"");
    return fields;
  }

  static String tweet(Random r) {
    return object(fields(r));
  }

  private static String object(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\":" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }

  /**
   * A JSON value of another type than the field's (a number field gets no number, a string field no
   * string).
   */
  private static String wrongType(Random r, boolean numberField) {
    return numberField
        ? pick(
            r,
            "null",
            "true",
            "false",
            "[]",
            "{}",
            "[25]",
            "{\"value\":25}",
            "\"25\"",
            "\"\"",
            "3.5",
            "-0.25")
        : pick(
            r,
            "null",
            "true",
            "false",
            "[]",
            "{}",
            "[\"mixco\"]",
            "{\"name\":\"mixco\"}",
            "25",
            "-7",
            "3.5");
  }

  private static String padded(String json, int size) {
    // Insignificant whitespace: the body is valid JSON, only too large.
    return json.substring(0, 1) + " ".repeat(Math.max(0, size - json.length())) + json.substring(1);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("marker not found");
  }

  private static String brief(String body) {
    return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }

  private static Map<Integer, Long> sorted(Map<Integer, LongAdder> counts) {
    Map<Integer, Long> sorted = new TreeMap<>();
    counts.forEach((k, v) -> sorted.put(k, v.sum()));
    return sorted;
  }
}
