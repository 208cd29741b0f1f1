package io.weathertweets.ingress.api;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ingress's work per single tweet before forwarding: read the body into a JSON tree with its
 * limits ({@link JsonBodyReader}) and turn it into a validated v1 tweet ({@link TweetParser}). In
 * the ingress's package because both classes are package-private; the request is Spring's mock, the
 * only stand-in.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TweetParserBenchmark {
  private static final byte[] VALID =
      """
      {"municipality": "mixco", "temperature": 25, "humidity": 70, "weather": "sunny"}"""
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] INVALID =
      """
      {"municipality": "antigua", "temperature": 99, "humidity": "wet", "weather": "sunny"}"""
          .getBytes(StandardCharsets.UTF_8);
  private static final DataSize LIMIT = DataSize.ofKilobytes(16);

  private JsonBodyReader reader;
  private TweetParser parser;

  @Setup
  public void setUp() {
    reader = new JsonBodyReader(JsonMapper.builder().build());
    parser = new TweetParser();
  }

  private static MockHttpServletRequest request(byte[] body) {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/tweet");
    request.setContentType("application/json");
    request.setContent(body);
    return request;
  }

  /** A valid tweet: read, parse, validate, build the v1 message (with a fresh UUIDv7 id). */
  @Benchmark
  public TweetParser.Result parseValid() {
    JsonNode node = reader.read(request(VALID), LIMIT);
    return parser.parse(node, "", 1_795_000_000_000L);
  }

  /** A tweet with three field errors: the error path must not be much dearer than the happy one. */
  @Benchmark
  public TweetParser.Result parseInvalid() {
    JsonNode node = reader.read(request(INVALID), LIMIT);
    return parser.parse(node, "", 1_795_000_000_000L);
  }
}
