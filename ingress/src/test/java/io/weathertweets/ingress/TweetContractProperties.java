package io.weathertweets.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.proto.v1.Tweet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Properties of the HTTP contract, checked with generated tweets against the running ingress (real
 * Tomcat on a random port, real gRPC channels to two recording fake gateways): every valid tweet is
 * accepted and reaches both gateways normalised; breaking any one rule gives 400 naming exactly
 * that field and reaches no gateway.
 */
class TweetContractProperties {
  private static final long MAX_EVENT_TIME_MS = 253_402_300_799_999L;
  private static FakeGateway kafka;
  private static FakeGateway rabbit;
  private static ConfigurableApplicationContext ingressContext;
  private static IngressClient ingress;

  @BeforeContainer
  static void startIngress() {
    kafka = FakeGateway.start("kafka");
    rabbit = FakeGateway.start("rabbit");
    ingressContext =
        new SpringApplicationBuilder(IngressApplication.class)
            .properties(
                "spring.config.name=ingress",
                "server.port=0",
                "weather.ingress.routing=fanout",
                "weather.ingress.rate-limit.requests=0",
                "KAFKA_GATEWAY_TARGET=" + kafka.target(),
                "RABBIT_GATEWAY_TARGET=" + rabbit.target())
            .run();
    ingress =
        new IngressClient(
            Integer.parseInt(ingressContext.getEnvironment().getProperty("local.server.port")));
  }

  @AfterContainer
  static void stopIngress() throws InterruptedException {
    ingressContext.close();
    kafka.close();
    rabbit.close();
  }

  @BeforeTry
  void resetGateways() {
    kafka.reset();
    rabbit.reset();
  }

  /** A valid tweet as the client writes it, and what the v1 tweet must then hold. */
  record ValidTweet(
      Municipality municipality,
      String municipalityText,
      Condition condition,
      String weatherText,
      int temperature,
      int humidity,
      String id,
      Long timestamp) {

    Map<String, String> json() {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("municipality", quote(municipalityText));
      fields.put("temperature", Integer.toString(temperature));
      fields.put("humidity", Integer.toString(humidity));
      fields.put("weather", quote(weatherText));
      if (id != null) {
        fields.put("id", quote(id));
      }
      if (timestamp != null) {
        fields.put("timestamp", Long.toString(timestamp));
      }
      return fields;
    }
  }

  /** Every rule a tweet can break, with the field the 400 must name. */
  enum Breakage {
    UNKNOWN_MUNICIPALITY("municipality"),
    MUNICIPALITY_NOT_A_STRING("municipality"),
    NO_MUNICIPALITY("municipality"),
    UNKNOWN_WEATHER("weather"),
    WEATHER_NOT_A_STRING("weather"),
    NO_WEATHER("weather"),
    TEMPERATURE_TOO_LOW("temperature"),
    TEMPERATURE_TOO_HIGH("temperature"),
    TEMPERATURE_NOT_AN_INTEGER("temperature"),
    NO_TEMPERATURE("temperature"),
    HUMIDITY_TOO_LOW("humidity"),
    HUMIDITY_TOO_HIGH("humidity"),
    HUMIDITY_NOT_AN_INTEGER("humidity"),
    NO_HUMIDITY("humidity"),
    ID_TOO_LONG("id"),
    ID_EMPTY("id"),
    ID_WITH_CONTROL_CHARACTER("id"),
    ID_NOT_A_STRING("id"),
    TIMESTAMP_NOT_POSITIVE("timestamp"),
    TIMESTAMP_TOO_LATE("timestamp"),
    TIMESTAMP_NOT_A_DATE("timestamp");

    final String field;

    Breakage(String field) {
      this.field = field;
    }
  }

  @Property(tries = 300)
  void shouldAcceptEveryValidTweetAndForwardItNormalisedToBothGateways(
      @ForAll("validTweets") ValidTweet valid) {
    IngressClient.Response response = ingress.postJson("/api/tweet", object(valid.json()));

    assertThat(response.status()).as(response.body()).isEqualTo(202);
    assertThat(kafka.tweets()).hasSize(1);
    assertThat(rabbit.tweets()).isEqualTo(kafka.tweets());
    Tweet forwarded = kafka.tweets().getFirst();
    assertThat(forwarded.getMunicipality()).isEqualTo(valid.municipality().toProto());
    assertThat(forwarded.getCondition()).isEqualTo(valid.condition().toProto());
    assertThat(forwarded.getTemperature()).isEqualTo(valid.temperature());
    assertThat(forwarded.getHumidity()).isEqualTo(valid.humidity());
    assertThat(response.json().get("id").stringValue()).isEqualTo(forwarded.getId());
    if (valid.id() != null) {
      assertThat(forwarded.getId()).isEqualTo(valid.id());
    } else {
      assertThat(UUID.fromString(forwarded.getId()).version()).isEqualTo(7);
    }
    if (valid.timestamp() != null) {
      assertThat(forwarded.getEventTimeMs()).isEqualTo(valid.timestamp());
    } else {
      assertThat(forwarded.getEventTimeMs()).isEqualTo(forwarded.getAcceptedAtMs());
    }
  }

  @Property(tries = 300)
  void shouldRefuseATweetBreakingAnyRuleNamingThatFieldAndForwardNothing(
      @ForAll("validTweets") ValidTweet valid,
      @ForAll Breakage breakage,
      @ForAll("junk") String junk) {
    Map<String, String> json = broken(valid.json(), breakage, junk);

    IngressClient.Response response = ingress.postJson("/api/tweet", object(json));

    assertThat(response.status()).as(object(json)).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(fields(response.json())).containsExactly(breakage.field);
    assertThat(kafka.requests()).isEmpty();
    assertThat(rabbit.requests()).isEmpty();
  }

  @Property(tries = 100)
  void shouldRefuseAWholeBatchNamingTheIndexOfItsOneBrokenTweet(
      @ForAll("batches") List<ValidTweet> batch,
      @ForAll Breakage breakage,
      @ForAll("junk") String junk,
      @ForAll("indexes") double where) {
    int index = (int) (where * batch.size());
    List<String> tweets = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Map<String, String> json = batch.get(i).json();
      tweets.add(object(i == index ? broken(json, breakage, junk) : json));
    }

    IngressClient.Response response =
        ingress.postJson("/api/tweets", "[" + String.join(",", tweets) + "]");

    assertThat(response.status()).isEqualTo(400);
    assertThat(fields(response.json())).containsExactly("[" + index + "]." + breakage.field);
    assertThat(kafka.requests()).isEmpty();
    assertThat(rabbit.requests()).isEmpty();
  }

  @Provide
  Arbitrary<ValidTweet> validTweets() {
    Arbitrary<Municipality> municipality = Arbitraries.of(Municipality.class);
    Arbitrary<Condition> condition = Arbitraries.of(Condition.class);
    Arbitrary<String> padding = Arbitraries.of("", " ", "  ", "\\t", "\\n "); // JSON escapes
    Arbitrary<Boolean> upper = Arbitraries.of(true, false);
    Arbitrary<String> id =
        Arbitraries.strings()
            .withCharRange('!', '~')
            .withChars('ä', 'ñ', '€', '漢')
            .ofMinLength(1)
            .ofMaxLength(64)
            .filter(s -> !s.contains("\"") && !s.contains("\\"))
            .injectNull(0.3);
    // Valid event times lie between 2000-01-01 and the receiver's clock (EventTimeRule).
    Arbitrary<Long> timestamp =
        Arbitraries.longs()
            .between(
                io.weathertweets.aggregates.EventTimeRule.EARLIEST_MS, System.currentTimeMillis())
            .injectNull(0.3);
    return Combinators.combine(
            municipality,
            condition,
            Arbitraries.integers().between(-50, 60),
            Arbitraries.integers().between(0, 100),
            id,
            timestamp,
            padding,
            upper)
        .as(
            (m, c, t, h, i, ts, pad, up) ->
                new ValidTweet(
                    m,
                    pad + cased(m.id(), up) + pad,
                    c,
                    pad + cased(c.id(), !up) + pad,
                    t,
                    h,
                    i,
                    ts));
  }

  @Provide
  Arbitrary<List<ValidTweet>> batches() {
    return validTweets().list().ofMinSize(1).ofMaxSize(20);
  }

  @Provide
  Arbitrary<Double> indexes() {
    return Arbitraries.doubles().between(0, 1).filter(d -> d < 1);
  }

  /** Arbitrary text for unknown names; never one of the known ones once trimmed. */
  @Provide
  Arbitrary<String> junk() {
    return Arbitraries.strings()
        .alpha()
        .numeric()
        .withChars(' ', '-', '_')
        .ofMinLength(0)
        .ofMaxLength(30)
        .filter(s -> Municipality.parse(s).isEmpty() && Condition.parse(s).isEmpty());
  }

  private static Map<String, String> broken(
      Map<String, String> valid, Breakage breakage, String junk) {
    Map<String, String> json = new LinkedHashMap<>(valid);
    switch (breakage) {
      case UNKNOWN_MUNICIPALITY -> json.put("municipality", quote(junk));
      case MUNICIPALITY_NOT_A_STRING -> json.put("municipality", "[" + quote(junk) + "]");
      case NO_MUNICIPALITY -> json.remove("municipality");
      case UNKNOWN_WEATHER -> json.put("weather", quote(junk));
      case WEATHER_NOT_A_STRING -> json.put("weather", Integer.toString(junk.length()));
      case NO_WEATHER -> json.remove("weather");
      case TEMPERATURE_TOO_LOW ->
          json.put("temperature", Long.toString(-51L - junk.length() * 1_000_003L));
      case TEMPERATURE_TOO_HIGH -> json.put("temperature", "61" + "0".repeat(junk.length()));
      case TEMPERATURE_NOT_AN_INTEGER ->
          json.put("temperature", junk.length() % 2 == 0 ? "20.5" : quote("20"));
      case NO_TEMPERATURE -> json.remove("temperature");
      case HUMIDITY_TOO_LOW -> json.put("humidity", Integer.toString(-1 - junk.length()));
      case HUMIDITY_TOO_HIGH -> json.put("humidity", Integer.toString(101 + junk.length()));
      case HUMIDITY_NOT_AN_INTEGER ->
          json.put("humidity", junk.length() % 2 == 0 ? "true" : "null");
      case NO_HUMIDITY -> json.remove("humidity");
      case ID_TOO_LONG -> json.put("id", quote("i".repeat(65 + junk.length())));
      case ID_EMPTY -> json.put("id", quote(""));
      case ID_WITH_CONTROL_CHARACTER -> json.put("id", quote("a\\u0007" + junk));
      case ID_NOT_A_STRING -> json.put("id", Integer.toString(junk.length()));
      case TIMESTAMP_NOT_POSITIVE -> json.put("timestamp", Integer.toString(-junk.length()));
      case TIMESTAMP_TOO_LATE ->
          json.put("timestamp", Long.toString(MAX_EVENT_TIME_MS + 1 + junk.length()));
      case TIMESTAMP_NOT_A_DATE -> json.put("timestamp", quote("2026-11-23 " + junk));
    }
    return json;
  }

  private static List<String> fields(JsonNode problem) {
    List<String> fields = new ArrayList<>();
    problem.get("errors").forEach(error -> fields.add(error.get("field").stringValue()));
    return fields;
  }

  private static String cased(String text, boolean upper) {
    return upper ? text.toUpperCase(Locale.ROOT) : text;
  }

  private static String quote(String text) {
    return "\"" + text + "\"";
  }

  private static String object(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> quote(e.getKey()) + ":" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }
}
