package io.weathertweets.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.aggregates.TweetRules;
import io.weathertweets.proto.course.WeatherTweetRequest;
import io.weathertweets.proto.course.WeatherTweetServiceGrpc;
import io.weathertweets.proto.v1.Condition;
import io.weathertweets.proto.v1.Municipality;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.PublishResponse;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.proto.v1.TweetIngestServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.grpc.test.autoconfigure.AutoConfigureTestGrpcTransport;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.grpc.client.GrpcChannelFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;

/**
 * Hostile input against the real gateway (both services, in-process transport, Kafka sink on an
 * embedded broker): over ten thousand malformed requests sent as raw bytes through a byte[]
 * marshaller, so nothing on the client side tidies them up. Every one must end INVALID_ARGUMENT —
 * never INTERNAL or UNKNOWN — nothing may reach the broker, and the gateway must stay healthy and
 * keep publishing valid tweets afterwards. Seeded: the same run every time.
 */
@SpringBootTest(
    properties = {
      "spring.config.name=gateway",
      "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
      "spring.rabbitmq.addresses=amqp://guest:guest@127.0.0.1:1/",
      "logging.level.io.weathertweets.gateway.api.MalformedRequests=INFO"
    })
@AutoConfigureTestGrpcTransport
@EmbeddedKafka
class GrpcFuzzTest {
  private static final long SEED = 20261123L;
  private static final int CASES = 10_500;
  private static final String TOPIC = "weather-tweets";

  /** Valid enum numbers are 1..count in both protos (CatalogueTest). */
  private static final int MUNICIPALITY_COUNT =
      io.weathertweets.aggregates.Municipality.values().length;

  private static final int CONDITION_COUNT = io.weathertweets.aggregates.Condition.values().length;
  private static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try (stream) {
            return stream.readAllBytes();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      };
  private static final MethodDescriptor<byte[], byte[]> PUBLISH =
      raw(TweetIngestServiceGrpc.getPublishMethod());
  private static final MethodDescriptor<byte[], byte[]> PUBLISH_STREAM =
      raw(TweetIngestServiceGrpc.getPublishStreamMethod());
  private static final MethodDescriptor<byte[], byte[]> SEND_TWEET =
      raw(WeatherTweetServiceGrpc.getSendTweetMethod());

  @Autowired GrpcChannelFactory channels;
  @Autowired EmbeddedKafkaBroker broker;
  @Autowired HealthEndpoint health;
  @Autowired MeterRegistry meters;

  /** One request: the method and the raw messages the client sends before half-closing. */
  record Case(String category, MethodDescriptor<byte[], byte[]> method, List<byte[]> messages) {}

  @Test
  void shouldRefuseEveryMalformedRequestWithInvalidArgumentAndPublishNothing() throws Exception {
    ManagedChannel channel = channels.createChannel("gateway");
    Map<String, Function<Random, Case>> generators = generators();
    List<String> categories = List.copyOf(generators.keySet());
    Map<String, Map<String, LongAdder>> byCategory = new ConcurrentHashMap<>();
    Map<String, LongAdder> byCode = new ConcurrentHashMap<>();
    LongAdder messages = new LongAdder();
    List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
    double publishedBefore = published();

    long start = System.nanoTime();
    try (ExecutorService workers = Executors.newFixedThreadPool(4)) {
      List<CompletableFuture<Void>> runs =
          IntStream.range(0, CASES)
              .mapToObj(
                  i ->
                      CompletableFuture.runAsync(
                          () -> {
                            // One generator per case and its own seed: the same cases whatever the
                            // thread interleaving.
                            Case fuzz =
                                generators
                                    .get(categories.get(i % categories.size()))
                                    .apply(new Random(SEED * 31 + i));
                            messages.add(fuzz.messages().size());
                            Status status = call(channel, fuzz);
                            byCode
                                .computeIfAbsent(status.getCode().name(), k -> new LongAdder())
                                .increment();
                            byCategory
                                .computeIfAbsent(fuzz.category(), k -> new ConcurrentHashMap<>())
                                .computeIfAbsent(status.getCode().name(), k -> new LongAdder())
                                .increment();
                            if (status.getCode() != Status.Code.INVALID_ARGUMENT
                                && unexpected.size() < 20) {
                              unexpected.add("case " + i + " (" + fuzz.category() + "): " + status);
                            }
                          },
                          workers))
              .toList();
      CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    StringBuilder report =
        new StringBuilder(
            "gRPC fuzz: "
                + CASES
                + " calls, "
                + messages.sum()
                + " messages, seed "
                + SEED
                + ", "
                + took.toMillis()
                + " ms\n  by status: "
                + sorted(byCode)
                + "\n");
    new TreeMap<>(byCategory)
        .forEach(
            (category, codes) ->
                report
                    .append("  ")
                    .append(category)
                    .append(": ")
                    .append(sorted(codes))
                    .append('\n'));
    System.out.println(report);

    assertThat(unexpected).as("calls not answered INVALID_ARGUMENT").isEmpty();
    assertThat(byCode.keySet()).containsExactly("INVALID_ARGUMENT");
    assertThat(byCode.get("INVALID_ARGUMENT").sum()).isEqualTo(CASES);
    assertThat(published()).as("tweets published during the fuzz run").isEqualTo(publishedBefore);
    assertThat(health.health().getStatus().getCode()).isEqualTo("UP");

    // Still serving: one valid tweet goes through, and it is the only record the broker ever got.
    Tweet sentinel = TestTweets.tweet("mixco").build();
    PublishResponse accepted =
        TweetIngestServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .publish(PublishRequest.newBuilder().addTweets(sentinel).build());
    assertThat(accepted.getIdsList()).containsExactly(sentinel.getId());
    assertThat(recordsOnTopic()).isEqualTo(1);
    channel.shutdownNow();
  }

  private static Map<String, Function<Random, Case>> generators() {
    Map<String, Function<Random, Case>> g = new TreeMap<>();
    g.put(
        "random-bytes publish",
        r ->
            publish(
                "random-bytes publish",
                validOrRetry(r, GrpcFuzzTest::randomBytes, GrpcFuzzTest::validPublish)));
    g.put(
        "random-bytes course",
        r ->
            new Case(
                "random-bytes course",
                SEND_TWEET,
                List.of(validOrRetry(r, GrpcFuzzTest::randomBytes, GrpcFuzzTest::validCourse))));
    g.put(
        "unknown enum numbers",
        r -> {
          Tweet.Builder t = valid(r);
          int bad =
              r.nextBoolean()
                  ? 5 + r.nextInt(Integer.MAX_VALUE - 5)
                  : -1 - r.nextInt(Integer.MAX_VALUE);
          if (r.nextBoolean()) {
            t.setMunicipalityValue(bad);
          } else {
            t.setConditionValue(bad);
          }
          return publish("unknown enum numbers", batchWith(r, t.build()));
        });
    g.put(
        "unknown enum numbers course",
        r ->
            new Case(
                "unknown enum numbers course",
                SEND_TWEET,
                List.of(
                    WeatherTweetRequest.newBuilder()
                        .setMunicipalityValue(r.nextBoolean() ? 5 + r.nextInt(1000) : 1)
                        .setWeatherValue(r.nextBoolean() ? -1 - r.nextInt(1000) : 0)
                        .setTemperature(20)
                        .setHumidity(50)
                        .build()
                        .toByteArray())));
    g.put(
        "out-of-range ints",
        r -> {
          Tweet.Builder t = valid(r);
          if (r.nextBoolean()) {
            t.setTemperature(
                r.nextBoolean()
                    ? 61 + r.nextInt(Integer.MAX_VALUE - 61)
                    : -51 - r.nextInt(Integer.MAX_VALUE - 51));
          } else {
            t.setHumidity(
                r.nextBoolean()
                    ? 101 + r.nextInt(Integer.MAX_VALUE - 101)
                    : -1 - r.nextInt(Integer.MAX_VALUE - 1));
          }
          return publish("out-of-range ints", batchWith(r, t.build()));
        });
    g.put(
        "out-of-range ints course",
        r ->
            new Case(
                "out-of-range ints course",
                SEND_TWEET,
                List.of(
                    WeatherTweetRequest.newBuilder()
                        .setMunicipalityValue(1 + r.nextInt(MUNICIPALITY_COUNT))
                        .setWeatherValue(1 + r.nextInt(CONDITION_COUNT))
                        .setTemperature(
                            r.nextBoolean()
                                ? Integer.MIN_VALUE + r.nextInt(1000)
                                : 61 + r.nextInt(1_000_000))
                        .setHumidity(r.nextInt(101))
                        .build()
                        .toByteArray())));
    g.put(
        "bad id",
        r -> {
          int length = r.nextInt(4) == 0 ? 0 : 65 + r.nextInt(20_000);
          return publish("bad id", batchWith(r, valid(r).setId("x".repeat(length)).build()));
        });
    g.put(
        "bad event time",
        r ->
            publish(
                "bad event time",
                batchWith(
                    r,
                    valid(r)
                        .setEventTimeMs(r.nextBoolean() ? 0 : -1 - r.nextLong(Long.MAX_VALUE))
                        .build())));
    g.put(
        "missing fields",
        r -> {
          Tweet.Builder t = valid(r);
          switch (r.nextInt(4)) {
            case 0 -> t.clearMunicipality();
            case 1 -> t.clearCondition();
            case 2 -> t.clearEventTimeMs();
            default -> t.clearId();
          }
          return publish("missing fields", batchWith(r, t.build()));
        });
    g.put(
        "batch over 1000",
        r -> {
          PublishRequest.Builder b = PublishRequest.newBuilder();
          int n = 1001 + r.nextInt(2000);
          for (int i = 0; i < n; i++) {
            b.addTweets(valid(r));
          }
          return publish("batch over 1000", b.build().toByteArray());
        });
    g.put(
        "empty batch",
        r ->
            publish(
                "empty batch",
                r.nextBoolean()
                    ? new byte[0]
                    // Only unknown fields: parses, but carries no tweet.
                    : concat(new byte[] {(byte) 0xF8, 0x07}, varint(r.nextInt(1 << 20)))));
    g.put(
        "invalid utf-8",
        r -> {
          String marker = "MARKER" + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
          byte[] bytes = batchWith(r, valid(r).setId(marker).build());
          byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
          int at = indexOf(bytes, needle);
          byte[][] bad = {
            {(byte) 0xC3, 0x28},
            {(byte) 0xFF},
            {(byte) 0x80},
            {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}
          };
          byte[] insert = bad[r.nextInt(bad.length)];
          System.arraycopy(
              insert, 0, bytes, at + r.nextInt(needle.length - insert.length + 1), insert.length);
          return publish("invalid utf-8", bytes);
        });
    g.put(
        "truncated",
        r ->
            publish(
                "truncated",
                validOrRetry(
                    r,
                    rnd -> {
                      byte[] whole = batch(rnd, 1 + rnd.nextInt(5)).toByteArray();
                      return Arrays.copyOf(whole, rnd.nextInt(whole.length));
                    },
                    GrpcFuzzTest::validPublish)));
    g.put(
        "deep nesting",
        r -> {
          // Start-group tags of an unknown field, nested far beyond protobuf's recursion limit
          // (100).
          int depth = 101 + r.nextInt(100_000);
          byte[] bytes = new byte[depth];
          Arrays.fill(bytes, (byte) ((15 << 3) | 3));
          return publish("deep nesting", concat(batch(r, 1).toByteArray(), bytes));
        });
    g.put(
        "wrong wire types",
        r -> {
          // The tweets field as a varint, or a tweet whose municipality is length-delimited:
          // unknown fields to protobuf,
          // so the request parses but lacks what it needs.
          byte[] bytes =
              r.nextBoolean()
                  ? concat(new byte[] {0x08}, varint(r.nextInt(1 << 30)))
                  : concat(new byte[] {0x0A, 0x05, 0x12, 0x03, 'm', 'i', 'x'});
          return publish("wrong wire types", bytes);
        });
    g.put(
        "overlong varints",
        r ->
            publish(
                "overlong varints",
                validOrRetry(
                    r,
                    rnd -> {
                      // Humidity (field 4, int32) as a 10-byte varint with high bits set: protobuf
                      // keeps the low 32 bits.
                      byte[] tweet =
                          concat(
                              valid(rnd).clearHumidity().build().toByteArray(),
                              new byte[] {0x20},
                              varint(rnd.nextLong() | (1L << 62)));
                      return concat(new byte[] {0x0A}, varint(tweet.length), tweet);
                    },
                    GrpcFuzzTest::validPublish)));
    g.put(
        "stream, first message bad",
        r -> {
          List<byte[]> stream = new ArrayList<>();
          stream.add(
              r.nextBoolean()
                  ? validOrRetry(r, GrpcFuzzTest::randomBytes, GrpcFuzzTest::validPublish)
                  : batchWith(r, valid(r).setHumidity(101 + r.nextInt(1000)).build()));
          // Valid batches after the refusal must be ignored, not published.
          for (int i = r.nextInt(3); i > 0; i--) {
            stream.add(batch(r, 1 + r.nextInt(3)).toByteArray());
          }
          return new Case("stream, first message bad", PUBLISH_STREAM, stream);
        });
    return g;
  }

  private static Status call(ManagedChannel channel, Case fuzz) {
    ClientCall<byte[], byte[]> call =
        channel.newCall(fuzz.method(), CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS));
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.request(1);
    for (byte[] message : fuzz.messages()) {
      call.sendMessage(message);
    }
    call.halfClose();
    return closed.join();
  }

  private static Case publish(String category, byte[] message) {
    return new Case(category, PUBLISH, List.of(message));
  }

  private static Tweet.Builder valid(Random r) {
    return Tweet.newBuilder()
        .setId("fuzz-" + Long.toHexString(r.nextLong()))
        .setMunicipality(Municipality.forNumber(1 + r.nextInt(MUNICIPALITY_COUNT)))
        .setCondition(Condition.forNumber(1 + r.nextInt(CONDITION_COUNT)))
        .setTemperature(-50 + r.nextInt(111))
        .setHumidity(r.nextInt(101))
        .setEventTimeMs(1 + r.nextLong(4_000_000_000_000L))
        .setAcceptedAtMs(1_795_000_000_000L);
  }

  private static PublishRequest batch(Random r, int n) {
    PublishRequest.Builder b = PublishRequest.newBuilder();
    for (int i = 0; i < n; i++) {
      b.addTweets(valid(r));
    }
    return b.build();
  }

  /** A batch of valid tweets with {@code bad} somewhere in it. */
  private static byte[] batchWith(Random r, Tweet bad) {
    List<Tweet> tweets = new ArrayList<>(batch(r, r.nextInt(5)).getTweetsList());
    tweets.add(r.nextInt(tweets.size() + 1), bad);
    return PublishRequest.newBuilder().addAllTweets(tweets).build().toByteArray();
  }

  private static byte[] randomBytes(Random r) {
    byte[] bytes = new byte[r.nextInt(2049)];
    r.nextBytes(bytes);
    return bytes;
  }

  /**
   * Generates until the bytes are not a valid request: the rare random input that is one is not
   * malformed.
   */
  private static byte[] validOrRetry(
      Random r, Function<Random, byte[]> generator, java.util.function.Predicate<byte[]> isValid) {
    while (true) {
      byte[] bytes = generator.apply(r);
      if (!isValid.test(bytes)) {
        return bytes;
      }
    }
  }

  private static boolean validPublish(byte[] bytes) {
    try {
      PublishRequest request = PublishRequest.parseFrom(bytes);
      return request.getTweetsCount() >= 1
          && request.getTweetsCount() <= 1000
          && request.getTweetsList().stream().allMatch(t -> TweetRules.violations(t).isEmpty());
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  private static boolean validCourse(byte[] bytes) {
    try {
      WeatherTweetRequest request = WeatherTweetRequest.parseFrom(bytes);
      return request.getMunicipalityValue() >= 1
          && request.getMunicipalityValue() <= 4
          && request.getWeatherValue() >= 1
          && request.getWeatherValue() <= 4
          && request.getTemperature() >= -50
          && request.getTemperature() <= 60
          && request.getHumidity() >= 0
          && request.getHumidity() <= 100;
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  private static byte[] varint(long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
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

  private static <ReqT, RespT> MethodDescriptor<byte[], byte[]> raw(
      MethodDescriptor<ReqT, RespT> method) {
    return method.toBuilder(RAW, RAW).build();
  }

  private static Map<String, Long> sorted(Map<String, LongAdder> counts) {
    Map<String, Long> sorted = new TreeMap<>();
    counts.forEach((k, v) -> sorted.put(k, v.sum()));
    return sorted;
  }

  private double published() {
    var counter = meters.find("weather.tweets.published").counter();
    return counter == null ? 0 : counter.count();
  }

  private long recordsOnTopic() {
    Map<String, Object> props =
        new java.util.HashMap<>(KafkaTestUtils.consumerProps(broker, "fuzz-count", false));
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(TOPIC).stream()
              .map(p -> new TopicPartition(TOPIC, p.partition()))
              .toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
