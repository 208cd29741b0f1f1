package io.weathertweets.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.embedded.FreePorts;
import io.weathertweets.embedded.RedisProtocolServer;
import io.weathertweets.harness.ManagedProcess;
import io.weathertweets.harness.ProcessSystem;
import io.weathertweets.standalone.ServicePorts;
import io.weathertweets.standalone.Standalone;
import io.weathertweets.standalone.infra.InfrastructurePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Runs every Redis-data-source query of every dashboard against a real Redis and a real Valkey
 * filled by the running pipeline, the way the plugin runs it (HGETALL → one row of fields; XRANGE
 * over the dashboard's time range → entries), and checks each panel gets the fields its
 * transformations and reductions name, as numbers where it converts them. The same running services
 * are scraped for every series the dashboards' and alert rules' PromQL reads.
 *
 * <p>The whole system runs in this JVM ({@link Standalone}: embedded Kafka and AMQP broker, every
 * service); tweets are posted to the ingress over HTTP and reach Redis through Kafka Streams and
 * Valkey through the RabbitMQ bridge. The dashboards read the fixed prefix {@code weather}, so
 * instead of a unique prefix on the shared servers this test starts its own {@code redis-server}
 * and {@code valkey-server} on free ports (where one is not installed, {@code redis-server}, else
 * the redis-server binary bundled with the embedded servers).
 */
class DashboardQueriesOnRealStoresTest {
  private static final WindowSpec WINDOWS = WindowSpec.DEFAULT;

  /**
   * Closed windows per municipality: the series panels need entries, the window streams get one per
   * window.
   */
  static final int CLOSED_WINDOWS = 3;

  private static final Map<String, ManagedProcess> SERVERS = new LinkedHashMap<>();
  private static final Map<String, Integer> PORTS = new LinkedHashMap<>();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static Standalone system;

  @TempDir static Path dir;

  @BeforeAll
  static void fillStoresThroughThePipeline() throws IOException {
    startStore("weather-redis", "redis-server");
    startStore("weather-valkey", "valkey-server");
    system =
        Standalone.start(
            dir.resolve("system"),
            Map.of(
                "REDIS_URL",
                "redis://127.0.0.1:" + PORTS.get("weather-redis"),
                "VALKEY_URL",
                "redis://127.0.0.1:" + PORTS.get("weather-valkey")),
            InfrastructurePorts.free(),
            ServicePorts.free(),
            Map.of("weather.ingress.forward-deadline", "10s"));
    int posted = postTweets(URI.create("http://127.0.0.1:" + system.ports().ingress()));
    // Both paths counted every tweet and agree on every figure, and every municipality's series has
    // an entry per closed window in both stores.
    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              JsonNode compare =
                  Repo.JSON.readTree(
                      get(
                          URI.create("http://127.0.0.1:" + system.ports().ingress()),
                          "/api/compare"));
              assertThat(compare.path("kafka").path("tweetsTotal").asLong())
                  .as("tweets in Redis")
                  .isEqualTo(posted);
              assertThat(compare.path("rabbit").path("tweetsTotal").asLong())
                  .as("tweets in Valkey")
                  .isEqualTo(posted);
              assertThat(compare.path("verdict").asText())
                  .as(compare.path("differences").toString())
                  .isEqualTo("equal");
              for (int port : PORTS.values()) {
                try (Jedis j = new Jedis("127.0.0.1", port)) {
                  for (String m : Repo.MUNICIPALITIES) {
                    assertThat(j.xlen("weather:series:" + m))
                        .as("series of " + m + " on " + port)
                        .isGreaterThanOrEqualTo(CLOSED_WINDOWS);
                  }
                }
              }
            });
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
    SERVERS.values().forEach(server -> server.stop(Duration.ofSeconds(10)));
  }

  private static void startStore(String datasourceUid, String binary) throws IOException {
    int port = FreePorts.one();
    String executable =
        RedisProtocolServer.executableFor(List.of(binary, "redis-server")).path().toString();
    ManagedProcess server =
        new ManagedProcess(
            datasourceUid, ProcessSystem.storeCommand(executable, port, dir, false), Map.of(), dir);
    SERVERS.put(datasourceUid, server.start());
    PORTS.put(datasourceUid, port);
    ProcessSystem.awaitPong(server, port);
  }

  /**
   * Tweets for every municipality and condition in {@link #CLOSED_WINDOWS} past windows, then one
   * per municipality at the current time: that moves the stream time (per partition on the Kafka
   * path, per queue on the RabbitMQ path) past the end and grace of the past windows, so both paths
   * close them and append them to the series. Posted in two batches to {@code ingress}'s
   * /api/tweets; returns how many tweets were accepted.
   */
  static int postTweets(URI ingress) {
    long now = System.currentTimeMillis();
    long firstWindow = WINDOWS.windowStart(now) - (CLOSED_WINDOWS + 1) * WINDOWS.sizeMs();
    Random random = new Random(20261201);
    List<String> past = new ArrayList<>();
    for (int w = 0; w < CLOSED_WINDOWS; w++) {
      long start = firstWindow + w * WINDOWS.sizeMs();
      for (String m : Repo.MUNICIPALITIES) {
        for (int i = 0; i < Repo.CONDITIONS.size(); i++) {
          past.add(
              tweet(
                  "dash-" + m + "-" + w + "-" + i,
                  m,
                  random.nextInt(40) - 5,
                  random.nextInt(101),
                  Repo.CONDITIONS.get((i + w) % Repo.CONDITIONS.size()),
                  start + i * 5_000L));
        }
      }
    }
    post(ingress, past);
    List<String> current = new ArrayList<>();
    for (String m : Repo.MUNICIPALITIES) {
      current.add(tweet("dash-" + m + "-now", m, 20, 50, Condition.SUNNY.id(), now));
    }
    post(ingress, current);
    return past.size() + current.size();
  }

  private static String tweet(
      String id, String municipality, int temperature, int humidity, String weather, long eventMs) {
    return """
        {"id":"%s","municipality":"%s","temperature":%d,"humidity":%d,"weather":"%s","timestamp":%d}"""
        .formatted(id, municipality, temperature, humidity, weather, eventMs);
  }

  private static void post(URI ingress, List<String> tweets) {
    HttpResponse<String> answer =
        postAsAClientShould(ingress, "/api/tweets", "[" + String.join(",", tweets) + "]");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
  }

  /**
   * POSTs {@code body}, sending it again (same tweet ids) while the ingress answers 503 because no
   * queue is bound to the exchange yet (NO_ROUTE): the rabbit-bridge binds its queue once it has
   * started, which a workload started at the same time may not wait for. The ingress tells a client
   * to retry then, and the ids make that safe. Any other answer, including any other 503, is
   * returned at once for the caller to assert; NO_ROUTE is retried for at most a minute.
   */
  static HttpResponse<String> postAsAClientShould(URI ingress, String path, String body) {
    AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
    AtomicInteger retries = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              HttpResponse<String> last =
                  send(
                      HttpRequest.newBuilder(ingress.resolve(path))
                          .header("Content-Type", "application/json")
                          .POST(HttpRequest.BodyPublishers.ofString(body)));
              answer.set(last);
              boolean noQueueYet =
                  last.statusCode() == 503 && last.body().contains("no queue bound to exchange");
              if (noQueueYet) {
                retries.incrementAndGet();
              }
              return !noQueueYet;
            });
    if (retries.get() > 0) {
      System.out.printf(
          "POST %s sent again %d time(s): no queue bound to the exchange yet%n",
          path, retries.get());
    }
    return answer.get();
  }

  static String get(URI ingress, String path) {
    HttpResponse<String> answer = send(HttpRequest.newBuilder(ingress.resolve(path)).GET());
    assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
    return answer.body();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everyRedisPanelQueryShouldReturnTheFieldsItsPanelUses() {
    RedisQueries run =
        runRedisPanelQueries(
            uid -> PORTS.containsKey(uid) ? new Jedis("127.0.0.1", PORTS.get(uid)) : null);
    assertThat(run.errors()).isEmpty();
    assertThat(run.stores()).containsExactlyInAnyOrder("weather-redis", "weather-valkey");
    assertThat(run.executed()).isGreaterThan(60);
  }

  /**
   * What running every Redis panel query gave: the problems, the data sources used, the queries
   * run.
   */
  record RedisQueries(List<String> errors, Set<String> stores, int executed) {}

  /**
   * Every Redis-data-source query of every dashboard, for each municipality where its key names
   * one, run on the connection {@code connect} gives for its data source uid (null: an unknown data
   * source, an error).
   */
  static RedisQueries runRedisPanelQueries(java.util.function.Function<String, Jedis> connect) {
    List<String> errors = new ArrayList<>();
    int executed = 0;
    Set<String> stores = new TreeSet<>();
    for (Dashboards.Query q : Dashboards.queries()) {
      if (!"redis-datasource".equals(q.datasourceType())) {
        continue;
      }
      stores.add(q.datasourceUid());
      String keyTemplate = q.target().path("keyName").asText();
      List<String> keys =
          keyTemplate.contains("$municipality")
              ? Repo.MUNICIPALITIES.stream()
                  .map(m -> keyTemplate.replace("$municipality", m))
                  .toList()
              : List.of(keyTemplate);
      for (String key : keys) {
        try (Jedis j = connect.apply(q.datasourceUid())) {
          if (j == null) {
            errors.add(q.id() + ": no store for data source " + q.datasourceUid());
            break;
          }
          List<Map<String, String>> rows = run(j, q.target().path("command").asText(), key);
          executed++;
          String id = q.id() + " [" + key + " on " + q.datasourceUid() + "]";
          if (rows.isEmpty() || rows.getFirst().isEmpty()) {
            errors.add(id + ": no data");
            continue;
          }
          errors.addAll(shapeErrors(id, q.panel(), rows));
        }
      }
    }
    return new RedisQueries(errors, stores, executed);
  }

  @Test
  void shapeCheckShouldFailWhenAPanelNamesAFieldTheStoreDoesNotHave() {
    JsonNode panel =
        Repo.JSON
            .createObjectNode()
            .set(
                "transformations",
                Repo.JSON
                    .createArrayNode()
                    .add(
                        Repo.JSON
                            .createObjectNode()
                            .put("id", "filterFieldsByName")
                            .set(
                                "options",
                                Repo.JSON
                                    .createObjectNode()
                                    .set(
                                        "include",
                                        Repo.JSON
                                            .createObjectNode()
                                            .set(
                                                "names",
                                                Repo.JSON
                                                    .createArrayNode()
                                                    .add("temprature_avg"))))));
    try (Jedis j = new Jedis("127.0.0.1", PORTS.get("weather-redis"))) {
      String key = "weather:municipality:" + Repo.MUNICIPALITIES.getFirst();
      assertThat(shapeErrors("t", panel, run(j, "hgetall", key)))
          .singleElement()
          .asString()
          .contains("temprature_avg");
    }
  }

  /**
   * The series the dashboards' and alert rules' PromQL reads from the services are in the services'
   * real {@code /actuator/prometheus} scrapes, under those exact names: Micrometer appends a
   * gauge's base unit ({@code weather.consumer.lag}, unit messages, is {@code
   * weather_consumer_lag_messages}), so a name copied from the code would match nothing in
   * Prometheus and an alert on it would never fire. Series of the brokers' exporters ({@code
   * rabbitmq_*}) and Prometheus's own {@code up} are not the services'.
   */
  @Test
  void everyServiceSeriesTheDashboardsAndAlertRulesReadShouldBeInARealScrape() {
    Map<String, URI> services = new LinkedHashMap<>();
    Map.of(
            "ingress",
            system.ports().ingress(),
            "gateway-kafka",
            system.ports().kafkaGatewayHttp(),
            "gateway-rabbit",
            system.ports().rabbitGatewayHttp(),
            "streams-app",
            system.ports().streamsHttp(),
            "rabbit-bridge",
            system.ports().bridgeHttp())
        .forEach(
            (service, port) ->
                services.put(
                    service, URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")));
    assertEveryServiceSeriesIsScraped(services);
  }

  /**
   * Every series the dashboards' PromQL and the alert rules read from the services is in one of the
   * scrapes ({@code services}: service → scrape URL), and both consumer paths report their lag and
   * idle time.
   */
  static void assertEveryServiceSeriesIsScraped(Map<String, URI> services) {
    Map<String, Set<String>> used = new TreeMap<>();
    for (Dashboards.Query q : Dashboards.queries()) {
      if ("prometheus".equals(q.datasourceType())) {
        Dashboards.seriesIn(q.target().path("expr").asText())
            .forEach(s -> used.computeIfAbsent(s, k -> new TreeSet<>()).add(q.id()));
      }
    }
    for (Dashboards.AlertQuery q : Dashboards.alertQueries()) {
      Dashboards.seriesIn(q.query().path("model").path("expr").asText())
          .forEach(s -> used.computeIfAbsent(s, k -> new TreeSet<>()).add(q.id()));
    }
    used.keySet().removeIf(s -> s.equals("up") || s.startsWith("rabbitmq_"));
    assertThat(used).containsKeys("weather_consumer_lag_messages", "weather_consumer_idle_seconds");
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              Map<String, Set<String>> exported = new TreeMap<>();
              services.forEach(
                  (service, uri) -> {
                    HttpResponse<String> scrape = send(HttpRequest.newBuilder(uri).GET());
                    assertThat(scrape.statusCode()).as(service + " " + uri).isEqualTo(200);
                    scrape
                        .body()
                        .lines()
                        .filter(l -> !l.isBlank() && !l.startsWith("#"))
                        .map(l -> l.split("[{ ]", 2)[0])
                        .forEach(
                            name ->
                                exported.computeIfAbsent(name, k -> new TreeSet<>()).add(service));
                  });
              List<String> missing = new ArrayList<>();
              used.forEach(
                  (series, queries) -> {
                    if (!exported.containsKey(series)) {
                      missing.add(series + " (read by " + queries + ")");
                    }
                  });
              assertThat(missing).as("series no service exports").isEmpty();
              // Both paths report, so the alert rule sees path="kafka" and path="rabbit".
              assertThat(exported.get("weather_consumer_lag_messages"))
                  .contains("streams-app", "rabbit-bridge");
              assertThat(exported.get("weather_consumer_idle_seconds"))
                  .contains("streams-app", "rabbit-bridge");
            });
  }

  /** What the plugin turns the reply into: HGETALL one row; XRANGE one row per entry plus $time. */
  private static List<Map<String, String>> run(Jedis j, String command, String key) {
    return switch (command) {
      case "hgetall" -> List.of(new TreeMap<>(j.hgetAll(key)));
      case "xrange" -> {
        // The plugin ranges over the dashboard's time range; the dashboards open on the last hour.
        long now = System.currentTimeMillis();
        List<Map<String, String>> rows = new ArrayList<>();
        for (StreamEntry e :
            j.xrange(key, new StreamEntryID(now - 3_600_000L, 0), new StreamEntryID(now, 0))) {
          Map<String, String> row = new TreeMap<>(e.getFields());
          row.put("$time", Long.toString(e.getID().getTime()));
          rows.add(row);
        }
        yield rows;
      }
      default ->
          throw new AssertionError("command " + command + " is not exercised by this test; add it");
    };
  }

  private static List<String> shapeErrors(
      String id, JsonNode panel, List<Map<String, String>> rows) {
    List<String> errors = new ArrayList<>();
    Set<String> numeric = new TreeSet<>();
    Set<String> named = new TreeSet<>();
    for (JsonNode t : panel.path("transformations")) {
      for (JsonNode c : t.path("options").path("conversions")) {
        named.add(c.path("targetField").asText());
        if ("number".equals(c.path("destinationType").asText())) {
          numeric.add(c.path("targetField").asText());
        }
      }
      t.path("options").path("include").path("names").forEach(n -> named.add(n.asText()));
    }
    for (Map<String, String> row : rows) {
      for (String field : named) {
        if (!row.containsKey(field)) {
          errors.add(id + ": field '" + field + "' is not in the reply " + row.keySet());
        } else if (numeric.contains(field) && !isNumber(row.get(field))) {
          errors.add(id + ": field '" + field + "' is not numeric: " + row.get(field));
        }
      }
    }
    String regex = panel.path("options").path("reduceOptions").path("fields").asText("");
    if (regex.startsWith("/") && regex.endsWith("/")) {
      Pattern p = Pattern.compile(regex.substring(1, regex.length() - 1));
      if (rows.getFirst().keySet().stream().noneMatch(f -> p.matcher(f).matches())) {
        errors.add(id + ": no field matches " + regex);
      }
    }
    return errors;
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
