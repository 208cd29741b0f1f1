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

/**
 * The dashboards as files: valid, stable, wired to the provisioned data sources and the store
 * layout.
 */
class GrafanaDashboardsTest {
  @Test
  void dashboardsShouldHaveStableUniqueUidsAndTheExpectedSet() {
    Map<String, String> expected =
        Map.of(
            "weather.json",
            "weather-tweets-weather",
            "pipeline.json",
            "weather-tweets-pipeline",
            "comparison.json",
            "weather-tweets-comparison");
    Set<String> uids = new HashSet<>();
    for (Path file : Dashboards.files()) {
      JsonNode d = Repo.readJson(file);
      assertThat(d.path("uid").asText())
          .as(file.getFileName().toString())
          .isEqualTo(expected.get(file.getFileName().toString()));
      assertThat(uids.add(d.path("uid").asText())).isTrue();
      assertThat(d.has("id")).as("no instance-specific id").isFalse();
      Set<Integer> panelIds = new HashSet<>();
      for (JsonNode p : Dashboards.panels(d)) {
        assertThat(panelIds.add(p.path("id").asInt()))
            .as(file + " panel id " + p.path("id"))
            .isTrue();
        assertThat(p.path("gridPos").path("w").asInt()).isBetween(1, 24);
        assertThat(p.path("title").asText()).isNotBlank();
      }
    }
    assertThat(uids).hasSize(3);
  }

  @Test
  void everyQueryShouldUseAProvisionedDataSourceOfItsType() {
    Map<String, String> provisioned = Dashboards.datasources();
    assertThat(provisioned)
        .containsEntry("weather-redis", "redis-datasource")
        .containsEntry("weather-valkey", "redis-datasource")
        .containsEntry("weather-prometheus", "prometheus");
    List<String> errors = new ArrayList<>();
    for (Dashboards.Query q : Dashboards.queries()) {
      if (!q.datasourceType().equals(provisioned.get(q.datasourceUid()))) {
        errors.add(
            q.id()
                + ": data source "
                + q.datasourceUid()
                + " ("
                + q.datasourceType()
                + ") is not provisioned");
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
        errors.add(
            q.id()
                + ": '"
                + t.path("type").asText()
                + "/"
                + command
                + "' is not a supported command query");
      }
      boolean streamCommand = command.startsWith("x");
      Pattern layout = streamCommand ? Dashboards.STREAM_KEY : Dashboards.HASH_KEY;
      if (!layout.matcher(key).matches()) {
        errors.add(
            q.id()
                + ": key '"
                + key
                + "' is not a "
                + (streamCommand ? "stream" : "hash")
                + " of the store layout");
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
          assertThat(v.path("query").asText().split(","))
              .containsExactlyInAnyOrderElementsOf(Repo.MUNICIPALITIES);
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
    assertThat(Dashboards.panels(weather))
        .extracting(p -> p.path("title").asText())
        .contains(
            "Highest temperature",
            "Lowest temperature",
            "Average humidity per municipality",
            "Average temperature per municipality",
            "Total reports per condition");
    assertThat(Dashboards.panels(weather))
        .anyMatch(
            p ->
                "timeseries".equals(p.path("type").asText())
                    && p.path("targets")
                        .get(0)
                        .path("keyName")
                        .asText()
                        .equals("weather:series:$municipality"));
    Set<String> comparisonStores = new TreeSet<>();
    Dashboards.queries().stream()
        .filter(q -> q.dashboard().equals("weather-tweets-comparison"))
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
      errors.addAll(Dashboards.unknownSeries(q.id(), expr));
    }
    assertThat(errors).isEmpty();
    assertThat(String.join("\n", exprs))
        .contains(
            "histogram_quantile(0.5",
            "histogram_quantile(0.99",
            "kafka_consumer_fetch_manager_records_lag_max",
            "weather_tweets_dlq_total",
            "rabbitmq_queue_messages_ready",
            "jvm_memory_used_bytes",
            "weather_consumer_lag_messages",
            "weather_consumer_idle_seconds");
  }

  @Test
  void seriesCheckShouldRejectANameTheServicesDoNotExport() {
    // Micrometer's gauge weather.consumer.lag (base unit "messages") is exported with its unit
    // appended.
    assertThat(Dashboards.unknownSeries("q", "max by (path) (weather_consumer_lag)"))
        .singleElement()
        .asString()
        .contains("'weather_consumer_lag'");
    assertThat(
            Dashboards.unknownSeries(
                "q", "max by (path) (weather_consumer_lag_messages{path=\"kafka\"})"))
        .isEmpty();
  }

  @Test
  void backlogRowShouldShowEachPathsLagAndIdleTimeNextToTheClientMetric() {
    JsonNode pipeline = Repo.readJson(Repo.path("grafana/dashboards/pipeline.json"));
    Map<String, JsonNode> byExpr = new java.util.HashMap<>();
    int rowY = -1;
    int nextRowY = Integer.MAX_VALUE;
    for (JsonNode p : pipeline.path("panels")) {
      if ("row".equals(p.path("type").asText())) {
        int y = p.path("gridPos").path("y").asInt();
        if ("Backlog and errors".equals(p.path("title").asText())) {
          rowY = y;
        } else if (rowY >= 0 && y > rowY) {
          nextRowY = Math.min(nextRowY, y);
        }
      }
    }
    assertThat(rowY).as("row 'Backlog and errors'").isNotNegative();
    for (JsonNode p : Dashboards.panels(pipeline)) {
      int y = p.path("gridPos").path("y").asInt();
      if (y > rowY && y < nextRowY) {
        p.path("targets").forEach(t -> byExpr.put(t.path("expr").asText(), p));
      }
    }
    // Per path (the label both consumers set), not per client or instance: one line for kafka, one
    // for rabbit.
    assertThat(byExpr)
        .containsKeys(
            "max by (path) (weather_consumer_lag_messages)",
            "min by (path) (weather_consumer_idle_seconds)",
            "max by (client_id) (kafka_consumer_fetch_manager_records_lag_max)");
    JsonNode idle = byExpr.get("min by (path) (weather_consumer_idle_seconds)");
    assertThat(idle.path("fieldConfig").path("defaults").path("unit").asText()).isEqualTo("s");
    assertThat(idle.path("fieldConfig").path("defaults").path("thresholds").path("steps"))
        .as("the stall limit (weather.health.stall-after) drawn on the idle panel")
        .anyMatch(step -> step.path("value").asInt() == 60);
    assertThat(
            byExpr
                .get("max by (client_id) (kafka_consumer_fetch_manager_records_lag_max)")
                .path("description")
                .asText())
        .as("why the client metric is not enough")
        .contains("stuck", "fetched");
  }

  @Test
  void storeDashboardsShouldShowEachConsumersOwnReport() {
    // The Redis-only view tells how far behind a path is: each store's weather:consumer hash, on
    // both store dashboards, for every store the dashboard shows.
    Map<String, Set<String>> storesWithReport = new java.util.TreeMap<>();
    for (Dashboards.Query q : Dashboards.queries()) {
      if ("weather:consumer".equals(q.target().path("keyName").asText())) {
        assertThat(q.target().path("command").asText()).as(q.id()).isEqualTo("hgetall");
        storesWithReport
            .computeIfAbsent(q.dashboard(), k -> new TreeSet<>())
            .add(q.datasourceUid());
      }
    }
    assertThat(storesWithReport)
        .containsEntry("weather-tweets-weather", Set.of("weather-redis"))
        .containsEntry("weather-tweets-comparison", Set.of("weather-redis", "weather-valkey"));
  }

  @Test
  void dashboardsShouldRefreshInRealTime() {
    // 5 s is Grafana's default min_refresh_interval (a shorter refresh is raised to it). The store
    // dashboards refresh at that; the Prometheus one at the scrape interval (10 s), as a faster
    // refresh shows nothing new.
    Map<String, String> expected =
        Map.of("weather.json", "5s", "comparison.json", "5s", "pipeline.json", "10s");
    for (Path file : Dashboards.files()) {
      JsonNode d = Repo.readJson(file);
      assertThat(d.path("refresh").asText())
          .as(file.getFileName() + " refresh")
          .isEqualTo(expected.get(file.getFileName().toString()));
    }
    assertThat(Repo.read(Repo.path("k8s/base/prometheus.yaml"))).contains("scrape_interval: 10s");
  }

  @Test
  void provisioningShouldLoadEveryDashboardFromWhereGrafanaMountsIt() {
    JsonNode provider =
        Repo.readDocuments(Repo.path("grafana/provisioning/dashboards/providers.yaml"))
            .getFirst()
            .path("providers")
            .get(0);
    var all = Kustomize.build("k8s/overlays/dev");
    JsonNode grafana = StrimziResourcesTest.find(all, "Deployment", "grafana");
    JsonNode container =
        grafana.path("spec").path("template").path("spec").path("containers").get(0);
    String dashboardsVolume = null;
    String dashboardsConfigMap = null;
    for (JsonNode v : grafana.path("spec").path("template").path("spec").path("volumes")) {
      if (Kustomize.isGenerated(v.path("configMap").path("name").asText(), "grafana-dashboards")) {
        dashboardsVolume = v.path("name").asText();
        dashboardsConfigMap = v.path("configMap").path("name").asText();
      }
    }
    assertThat(dashboardsConfigMap)
        .as("a volume from the grafana-dashboards ConfigMap")
        .isNotNull();
    String volume = dashboardsVolume;
    assertThat(container.path("volumeMounts"))
        .anyMatch(
            m ->
                m.path("name").asText().equals(volume)
                    && m.path("mountPath")
                        .asText()
                        .equals(provider.path("options").path("path").asText()));
    JsonNode configMap = StrimziResourcesTest.find(all, "ConfigMap", dashboardsConfigMap);
    for (Path file : Dashboards.files()) {
      assertThat(configMap.path("data").has(file.getFileName().toString()))
          .as(file.getFileName().toString())
          .isTrue();
    }
    assertThat(container.path("env"))
        .anyMatch(e -> e.path("value").asText().contains("redis-datasource"));
  }
}
