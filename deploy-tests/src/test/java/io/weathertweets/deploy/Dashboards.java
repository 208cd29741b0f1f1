package io.weathertweets.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.weathertweets.aggregates.Panel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The provisioned dashboards, alert rules and data sources, what a Redis-data-source query refers
 * to and which Prometheus series a PromQL expression names.
 */
final class Dashboards {
  /**
   * Commands the Grafana Redis data source executes (the redis-datasource plugin's command list);
   * anything else shows an error panel.
   */
  static final List<String> SUPPORTED =
      List.of(
          "get",
          "hget",
          "hgetall",
          "hmget",
          "hkeys",
          "hlen",
          "smembers",
          "scard",
          "zrange",
          "xrange",
          "xrevrange",
          "xlen",
          "type",
          "ttl",
          "info");

  /** A municipality of the catalogue (Municipality), or the dashboards' $municipality variable. */
  private static final String MUNICIPALITY =
      Stream.concat(Stream.of("$municipality"), Repo.MUNICIPALITIES.stream())
          .map(Pattern::quote)
          .collect(Collectors.joining("|", "(", ")"));

  /**
   * Hash keys of the store layout (StoreLayout: the panels of {@link Panel}, meta, consumer, the
   * all-time hash of {m} as {@link #MUNICIPALITY}).
   */
  static final Pattern HASH_KEY =
      Pattern.compile(
          Stream.concat(Panel.ids().stream(), Stream.of("meta", "consumer"))
              .map(Pattern::quote)
              .collect(
                  Collectors.joining("|", "weather:(", "|municipality:" + MUNICIPALITY + ")")));

  static final Pattern STREAM_KEY = Pattern.compile("weather:series:" + MUNICIPALITY);

  /**
   * Prometheus series the services and brokers export (Micrometer names in Prometheus form: a gauge
   * or timer gets its base unit appended, a counter {@code _total}); {@code
   * DashboardQueriesOnRealStoresTest} finds the services' ones in real scrapes.
   */
  static final Pattern KNOWN_SERIES =
      Pattern.compile(
          "(weather_tweets_(accepted|rejected|published|processed|dlq|late|duplicates)_total"
              + "|weather_(publish_latency|store_write_latency|e2e_latency)_seconds(_bucket|_sum|_count|_max)?"
              + "|weather_consumer_lag_messages|weather_consumer_idle_seconds|weather_consumer_oldest_wait_seconds"
              + "|kafka_consumer_fetch_manager_records_lag(_max)?|kafka_streams_\\w+|rabbitmq_queue_messages(_ready|_unacked)?"
              + "|jvm_memory_used_bytes|jvm_gc_pause_seconds(_sum|_count)|process_cpu_usage|up)");

  /**
   * PromQL's own words (functions, aggregations, operators, modifiers) and the label names the
   * queries use.
   */
  static final Set<String> PROMQL_WORDS =
      Set.of(
          "sum",
          "by",
          "rate",
          "increase",
          "histogram_quantile",
          "max",
          "min",
          "count",
          "le",
          "path",
          "sink",
          "reason",
          "queue",
          "client_id",
          "app",
          "area",
          "heap",
          "without",
          "avg",
          "on",
          "and",
          "or",
          "unless");

  /** Where Grafana reads alerting resources (rules, contact points, policies) at start. */
  static final String ALERTING_DIR = "/etc/grafana/provisioning/alerting";

  record Query(
      String dashboard,
      JsonNode panel,
      JsonNode target,
      String datasourceUid,
      String datasourceType) {
    String id() {
      return dashboard
          + " / "
          + panel.path("title").asText()
          + " / "
          + target.path("refId").asText();
    }
  }

  /** A provisioned alert rule, with its group (folder, interval) and the file it came from. */
  record AlertRule(String file, JsonNode group, JsonNode rule) {
    String id() {
      return file + " / " + rule.path("title").asText();
    }
  }

  /**
   * One query or expression of a provisioned alert rule ({@code data[]}): data source by uid, model
   * as Grafana runs it.
   */
  record AlertQuery(AlertRule rule, JsonNode query) {
    String id() {
      return rule.id() + " / " + query.path("refId").asText();
    }

    String datasourceUid() {
      return query.path("datasourceUid").asText();
    }
  }

  private Dashboards() {}

  static List<Path> files() {
    return Repo.files("grafana/dashboards", ".json");
  }

  /** The alerting provisioning files (Grafana reads .yaml, .yml and .json there). */
  static List<Path> alertingFiles() {
    return Repo.files("grafana/provisioning/alerting", ".yaml", ".yml", ".json");
  }

  /** Every rule of every group of every alerting file. */
  static List<AlertRule> alertRules() {
    List<AlertRule> out = new ArrayList<>();
    for (Path file : alertingFiles()) {
      for (JsonNode doc : Repo.readDocuments(file)) {
        for (JsonNode group : doc.path("groups")) {
          group
              .path("rules")
              .forEach(rule -> out.add(new AlertRule(file.getFileName().toString(), group, rule)));
        }
      }
    }
    return out;
  }

  /** Every query and expression of every provisioned alert rule. */
  static List<AlertQuery> alertQueries() {
    List<AlertQuery> out = new ArrayList<>();
    for (AlertRule rule : alertRules()) {
      rule.rule().path("data").forEach(q -> out.add(new AlertQuery(rule, q)));
    }
    return out;
  }

  /**
   * The names in a PromQL expression that are neither PromQL's own words nor label names: the
   * series it reads. Label values (strings) and range selectors are left out first.
   */
  static Set<String> seriesIn(String expr) {
    String withoutStrings = expr.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("\\[[^]]*]", "");
    Matcher m = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_:]*").matcher(withoutStrings);
    Set<String> out = new TreeSet<>();
    while (m.find()) {
      if (!PROMQL_WORDS.contains(m.group())) {
        out.add(m.group());
      }
    }
    return out;
  }

  /** One error per name in {@code expr} that is not a series the services or brokers export. */
  static List<String> unknownSeries(String id, String expr) {
    return seriesIn(expr).stream()
        .filter(name -> !KNOWN_SERIES.matcher(name).matches())
        .map(name -> id + ": unknown series or function '" + name + "' in " + expr)
        .toList();
  }

  /** Provisioned data sources: uid → type. */
  static Map<String, String> datasources() {
    Map<String, String> out = new HashMap<>();
    for (JsonNode ds :
        Repo.readDocuments(Repo.path("grafana/provisioning/datasources/datasources.yaml"))
            .getFirst()
            .path("datasources")) {
      out.put(ds.path("uid").asText(), ds.path("type").asText());
    }
    return out;
  }

  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      if (!"row".equals(p.path("type").asText())) {
        out.add(p);
      }
      p.path("panels").forEach(out::add);
    }
    return out;
  }

  /**
   * Every query of every panel, its data source resolved through the dashboard's variables. A panel
   * repeated over a data source variable ({@code repeat}) is what Grafana shows: one copy per
   * selected value of the variable, each reading its own data source.
   */
  static List<Query> queries() {
    List<Query> out = new ArrayList<>();
    for (Path file : files()) {
      JsonNode d = Repo.readJson(file);
      Map<String, JsonNode> variables = new HashMap<>();
      d.path("templating").path("list").forEach(v -> variables.put(v.path("name").asText(), v));
      for (JsonNode panel : panels(d)) {
        String repeat = panel.path("repeat").asText("");
        for (JsonNode t : panel.path("targets")) {
          JsonNode ds = t.has("datasource") ? t.path("datasource") : panel.path("datasource");
          String uid = ds.path("uid").asText();
          List<String> uids = List.of(uid);
          var m = Pattern.compile("^\\$\\{(\\w+)}$").matcher(uid);
          if (m.matches()) {
            JsonNode v = variables.get(m.group(1));
            JsonNode current = v == null ? null : v.path("current").path("value");
            if (v == null || !"datasource".equals(v.path("type").asText())) {
              uids = List.of("?undefined variable " + uid);
            } else if (current.isArray() && m.group(1).equals(repeat)) {
              List<String> values = new ArrayList<>();
              current.forEach(value -> values.add(value.asText()));
              uids = values;
            } else if (current.isArray()) {
              uids = List.of("?multi-valued variable " + uid + " on a panel not repeated over it");
            } else {
              uids = List.of(current.asText());
            }
          }
          for (String resolved : uids) {
            out.add(
                new Query(d.path("uid").asText(), panel, t, resolved, ds.path("type").asText()));
          }
        }
      }
    }
    return out;
  }
}
