package io.weathertweets.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The dashboards as files: valid, stable, wired to the provisioned data sources and the store layout. */
class GrafanaDashboardsTest {
  /** Prometheus series the services and brokers export (Micrometer names in Prometheus form). */
  private static final Pattern KNOWN_SERIES = Pattern.compile(
      "(weather_tweets_(accepted|rejected|published|processed|dlq|late|duplicates)_total"
          + "|weather_(publish_latency|store_write_latency|e2e_latency)_seconds(_bucket|_sum|_count|_max)?"
          + "|kafka_consumer_fetch_manager_records_lag(_max)?|kafka_streams_\\w+|rabbitmq_queue_messages(_ready|_unacked)?"
          + "|jvm_memory_used_bytes|jvm_gc_pause_seconds(_sum|_count)|process_cpu_usage|up)");
  private static final Set<String> PROMQL_WORDS = Set.of("sum", "by", "rate", "increase", "histogram_quantile", "max",
      "count", "le", "path", "sink", "reason", "queue", "client_id", "app", "area", "heap", "without", "avg", "on");

  @Test
  void dashboardsShouldHaveStableUniqueUidsAndTheExpectedSet() {
    Map<String, String> expected = Map.of("weather.json", "weather-tweets-weather", "pipeline.json", "weather-tweets-pipeline",
        "comparison.json", "weather-tweets-comparison");
    Set<String> uids = new HashSet<>();
    for (Path file : Dashboards.files()) {
      JsonNode d = Repo.readJson(file);
      assertThat(d.path("uid").asText()).as(file.getFileName().toString()).isEqualTo(expected.get(file.getFileName().toString()));
      assertThat(uids.add(d.path("uid").asText())).isTrue();
      assertThat(d.has("id")).as("no instance-specific id").isFalse();
      Set<Integer> panelIds = new HashSet<>();
      for (JsonNode p : Dashboards.panels(d)) {
        assertThat(panelIds.add(p.path("id").asInt())).as(file + " panel id " + p.path("id")).isTrue();
        assertThat(p.path("gridPos").path("w").asInt()).isBetween(1, 24);
        assertThat(p.path("title").asText()).isNotBlank();
      }
    }
    assertThat(uids).hasSize(3);
  }

  @Test
  void everyQueryShouldUseAProvisionedDataSourceOfItsType() {
    Map<String, String> provisioned = Dashboards.datasources();
    assertThat(provisioned).containsEntry("weather-redis", "redis-datasource").containsEntry("weather-valkey", "redis-datasource")
        .containsEntry("weather-prometheus", "prometheus");
    List<String> errors = new ArrayList<>();
    for (Dashboards.Query q : Dashboards.queries()) {
      if (!q.datasourceType().equals(provisioned.get(q.datasourceUid()))) {
        errors.add(q.id() + ": data source " + q.datasourceUid() + " (" + q.datasourceType() + ") is not provisioned");
      }
      if (!q.panel().path("datasource").path("uid").asText().startsWith("${")) {
        errors.add(q.id() + ": data source should be a dashboard variable");
      }
    }
    assertThat(errors).isEmpty();
    assertThat(Dashboards.queries()).hasSizeGreaterThan(40);
  }

  @Test
  void everyRedisQueryShouldUseASupportedCommandOnAKeyOfTheLayout() {
    List<String> errors = new ArrayList<>();
    int checked = 0;
    for (Dashboards.Query q : Dashboards.queries()) {
      if (!"redis-datasource".equals(q.datasourceType())) {
        continue;
      }
      checked++;
      JsonNode t = q.target();
      String command = t.path("command").asText();
      String key = t.path("keyName").asText();
      if (!"command".equals(t.path("type").asText()) || !Dashboards.SUPPORTED.contains(command)) {
        errors.add(q.id() + ": '" + t.path("type").asText() + "/" + command + "' is not a supported command query");
      }
      boolean streamCommand = command.startsWith("x");
      Pattern layout = streamCommand ? Dashboards.STREAM_KEY : Dashboards.HASH_KEY;
      if (!layout.matcher(key).matches()) {
        errors.add(q.id() + ": key '" + key + "' is not a " + (streamCommand ? "stream" : "hash") + " of the store layout");
      }
      if (key.contains("*") || key.contains("?")) {
        errors.add(q.id() + ": the data source cannot expand wildcards");
      }
    }
    assertThat(errors).isEmpty();
    assertThat(checked).isGreaterThan(30);
  }

  @Test
  void templateVariablesShouldCoverMunicipalitiesAndDataSources() {
    for (Path file : Dashboards.files()) {
      JsonNode d = Repo.readJson(file);
      Set<String> defined = new TreeSet<>();
      for (JsonNode v : d.path("templating").path("list")) {
        defined.add(v.path("name").asText());
        if ("municipality".equals(v.path("name").asText())) {
          assertThat(v.path("query").asText().split(",")).containsExactlyInAnyOrderElementsOf(Repo.MUNICIPALITIES);
        }
      }
      Matcher m = Pattern.compile("\\$\\{?(\\w+)").matcher(Repo.read(file));
      while (m.find()) {
        String name = m.group(1);
        if (!name.startsWith("__") && !"time".equals(name)) {
          assertThat(defined).as(file.getFileName() + " uses $" + name).contains(name);
        }
      }
    }
  }

  @Test
  void weatherDashboardShouldHaveTheCoursePanelsAndComparisonBothStores() {
    JsonNode weather = Repo.readJson(Repo.path("grafana/dashboards/weather.json"));
    assertThat(Dashboards.panels(weather)).extracting(p -> p.path("title").asText()).contains(
        "Highest temperature", "Lowest temperature", "Average humidity per municipality",
        "Average temperature per municipality", "Total reports per condition");
    assertThat(Dashboards.panels(weather)).anyMatch(p -> "timeseries".equals(p.path("type").asText())
        && p.path("targets").get(0).path("keyName").asText().equals("weather:series:$municipality"));
    Set<String> comparisonStores = new TreeSet<>();
    Dashboards.queries().stream().filter(q -> q.dashboard().equals("weather-tweets-comparison"))
        .forEach(q -> comparisonStores.add(q.datasourceUid()));
    assertThat(comparisonStores).contains("weather-redis", "weather-valkey");
  }

  @Test
  void pipelineQueriesShouldOnlyUseSeriesTheServicesExport() {
    List<String> errors = new ArrayList<>();
    Set<String> exprs = new TreeSet<>();
    for (Dashboards.Query q : Dashboards.queries()) {
      if (!"prometheus".equals(q.datasourceType())) {
        continue;
      }
      String expr = q.target().path("expr").asText();
      exprs.add(expr);
      String withoutStrings = expr.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("\\[[^]]*]", "");
      Matcher m = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_:]*").matcher(withoutStrings);
      while (m.find()) {
        String word = m.group();
        if (!PROMQL_WORDS.contains(word) && !KNOWN_SERIES.matcher(word).matches()) {
          errors.add(q.id() + ": unknown series or function '" + word + "' in " + expr);
        }
      }
    }
    assertThat(errors).isEmpty();
    assertThat(String.join("\n", exprs)).contains("histogram_quantile(0.5", "histogram_quantile(0.99",
        "kafka_consumer_fetch_manager_records_lag_max", "weather_tweets_dlq_total", "rabbitmq_queue_messages_ready",
        "jvm_memory_used_bytes");
  }

  @Test
  void provisioningShouldLoadEveryDashboardFromWhereGrafanaMountsIt() {
    JsonNode provider = Repo.readDocuments(Repo.path("grafana/provisioning/dashboards/providers.yaml")).getFirst()
        .path("providers").get(0);
    var all = Kustomize.build("k8s/overlays/dev");
    JsonNode grafana = StrimziResourcesTest.find(all, "Deployment", "grafana");
    JsonNode container = grafana.path("spec").path("template").path("spec").path("containers").get(0);
    String dashboardsVolume = null;
    String dashboardsConfigMap = null;
    for (JsonNode v : grafana.path("spec").path("template").path("spec").path("volumes")) {
      if (Kustomize.isGenerated(v.path("configMap").path("name").asText(), "grafana-dashboards")) {
        dashboardsVolume = v.path("name").asText();
        dashboardsConfigMap = v.path("configMap").path("name").asText();
      }
    }
    assertThat(dashboardsConfigMap).as("a volume from the grafana-dashboards ConfigMap").isNotNull();
    String volume = dashboardsVolume;
    assertThat(container.path("volumeMounts")).anyMatch(m -> m.path("name").asText().equals(volume)
        && m.path("mountPath").asText().equals(provider.path("options").path("path").asText()));
    JsonNode configMap = StrimziResourcesTest.find(all, "ConfigMap", dashboardsConfigMap);
    for (Path file : Dashboards.files()) {
      assertThat(configMap.path("data").has(file.getFileName().toString())).as(file.getFileName().toString()).isTrue();
    }
    assertThat(container.path("env")).anyMatch(e -> e.path("value").asText().contains("redis-datasource"));
  }
}
