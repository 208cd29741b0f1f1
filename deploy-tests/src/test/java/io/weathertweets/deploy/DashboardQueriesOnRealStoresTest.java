package io.weathertweets.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.embedded.RedisProtocolServer;
import com.fasterxml.jackson.databind.JsonNode;
import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.WindowSpec;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Runs every Redis-data-source query of every dashboard against a real Redis and a real Valkey holding
 * data in the store layout, the way the plugin runs it (HGETALL → one row of fields; XRANGE over the
 * dashboard's time range → entries), and checks each panel gets the fields its transformations and
 * reductions name, as numbers where it converts them.
 *
 * <p>The dashboards read the fixed prefix {@code weather}, so instead of a unique prefix on the shared
 * servers this test starts its own {@code redis-server} and {@code valkey-server} on free ports (where one is not
 * installed, {@code redis-server}, else the redis-server binary bundled with the embedded servers).
 */
class DashboardQueriesOnRealStoresTest {
  private static final long NOW = System.currentTimeMillis();
  private static final WindowSpec WINDOWS = WindowSpec.DEFAULT;
  private static final int WINDOW_COUNT = 12;
  private static final Map<String, Process> SERVERS = new LinkedHashMap<>();
  private static final Map<String, Integer> PORTS = new LinkedHashMap<>();

  @TempDir
  static Path dir;

  @BeforeAll
  static void startAndFillStores() throws IOException {
    start("weather-redis", "redis-server", "kafka");
    start("weather-valkey", "valkey-server", "rabbit");
  }

  @AfterAll
  static void stopStores() {
    SERVERS.values().forEach(Process::destroy);
  }

  private static void start(String datasourceUid, String binary, String path) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String executable = RedisProtocolServer.executableFor(List.of(binary, "redis-server")).path().toString();
    Process p = new ProcessBuilder(executable, "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no")
        .redirectErrorStream(true).redirectOutput(new File(dir.toFile(), binary + ".log")).start();
    SERVERS.put(datasourceUid, p);
    PORTS.put(datasourceUid, port);
    int finalPort = port;
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      try (Jedis j = new Jedis("127.0.0.1", finalPort)) {
        return "PONG".equals(j.ping());
      }
    });
    try (Jedis j = new Jedis("127.0.0.1", port)) {
      fill(j, path);
    }
  }

  /** Tweets over the last WINDOW_COUNT minutes for every municipality, written in the store layout. */
  private static void fill(Jedis j, String path) {
    StoreLayout layout = StoreLayout.DEFAULT;
    Overview overview = Overview.empty();
    long firstWindow = WINDOWS.windowStart(NOW) - WINDOW_COUNT * WINDOWS.sizeMs();
    int seed = 7;
    for (Municipality m : Municipality.values()) {
      Aggregate allTime = Aggregate.EMPTY;
      for (int w = 0; w < WINDOW_COUNT; w++) {
        long start = firstWindow + w * WINDOWS.sizeMs();
        Aggregate window = Aggregate.EMPTY;
        for (int i = 0; i < 3; i++) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          int temperature = 10 + seed % 25;
          int humidity = 40 + seed % 55;
          Condition condition = Condition.values()[(seed >> 8) % Condition.values().length];
          window = window.plus(temperature, humidity, condition, start + i * 1000L);
          allTime = allTime.plus(temperature, humidity, condition, start + i * 1000L);
        }
        j.hset(layout.window(m, start), window.toFields());
        j.xadd(layout.series(m), XAddParams.xAddParams().id(new StreamEntryID(start, 0)), window.toFields());
      }
      Map<String, String> fields = new LinkedHashMap<>(allTime.toFields());
      fields.put("updated_at", Long.toString(NOW));
      j.hset(layout.municipality(m), fields);
      overview = overview.with(m, allTime);
    }
    overview.panelHashes(layout).forEach(j::hset);
    j.hset(layout.meta(), Map.of("tweets_total", Long.toString(overview.tweetsTotal()),
        "last_event_at", Long.toString(overview.lastEventMs()), "window_size_ms", Long.toString(WINDOWS.sizeMs()),
        "grace_ms", Long.toString(WINDOWS.graceMs()), "path", path, "e2e_p50_ms", "12.5", "e2e_p99_ms", "48.0"));
  }

  @Test
  void everyRedisPanelQueryShouldReturnTheFieldsItsPanelUses() {
    List<String> errors = new ArrayList<>();
    int executed = 0;
    Set<String> stores = new TreeSet<>();
    for (Dashboards.Query q : Dashboards.queries()) {
      if (!"redis-datasource".equals(q.datasourceType())) {
        continue;
      }
      Integer port = PORTS.get(q.datasourceUid());
      assertThat(port).as(q.id() + " data source " + q.datasourceUid()).isNotNull();
      stores.add(q.datasourceUid());
      String keyTemplate = q.target().path("keyName").asText();
      List<String> keys = keyTemplate.contains("$municipality")
          ? Repo.MUNICIPALITIES.stream().map(m -> keyTemplate.replace("$municipality", m)).toList()
          : List.of(keyTemplate);
      for (String key : keys) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
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
    assertThat(errors).isEmpty();
    assertThat(stores).containsExactlyInAnyOrder("weather-redis", "weather-valkey");
    assertThat(executed).isGreaterThan(60);
  }

  @Test
  void shapeCheckShouldFailWhenAPanelNamesAFieldTheStoreDoesNotHave() {
    JsonNode panel = Repo.JSON.createObjectNode().set("transformations", Repo.JSON.createArrayNode().add(
        Repo.JSON.createObjectNode().put("id", "filterFieldsByName").set("options", Repo.JSON.createObjectNode()
            .set("include", Repo.JSON.createObjectNode().set("names", Repo.JSON.createArrayNode().add("temprature_avg"))))));
    try (Jedis j = new Jedis("127.0.0.1", PORTS.get("weather-redis"))) {
      assertThat(shapeErrors("t", panel, run(j, "hgetall", "weather:municipality:mixco")))
          .singleElement().asString().contains("temprature_avg");
    }
  }

  /** What the plugin turns the reply into: HGETALL one row; XRANGE one row per entry plus $time. */
  private static List<Map<String, String>> run(Jedis j, String command, String key) {
    return switch (command) {
      case "hgetall" -> List.of(new TreeMap<>(j.hgetAll(key)));
      case "xrange" -> {
        // The plugin ranges over the dashboard's time range; the dashboards open on the last hour.
        List<Map<String, String>> rows = new ArrayList<>();
        for (StreamEntry e : j.xrange(key, new StreamEntryID(NOW - 3_600_000L, 0), new StreamEntryID(NOW, 0))) {
          Map<String, String> row = new TreeMap<>(e.getFields());
          row.put("$time", Long.toString(e.getID().getTime()));
          rows.add(row);
        }
        yield rows;
      }
      default -> throw new AssertionError("command " + command + " is not exercised by this test; add it");
    };
  }

  private static List<String> shapeErrors(String id, JsonNode panel, List<Map<String, String>> rows) {
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
