package io.weathertweets.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The provisioned dashboards and data sources, and what a Redis-data-source query refers to. */
final class Dashboards {
  /** Commands the Grafana Redis data source executes (the redis-datasource plugin's command list); anything else shows an error panel. */
  static final List<String> SUPPORTED = List.of("get", "hget", "hgetall", "hmget", "hkeys", "hlen", "smembers",
      "scard", "zrange", "xrange", "xrevrange", "xlen", "type", "ttl", "info");
  /** Keys of the store layout (README, "Reading the figures"; StoreLayout), with {m} as a municipality or the $municipality variable. */
  static final Pattern HASH_KEY = Pattern.compile(
      "weather:(temperature_avg|temperature_max|temperature_min|humidity_avg|reports|conditions|extremes|meta"
          + "|municipality:(\\$municipality|mixco|guatemala|amatitlan|chinautla))");
  static final Pattern STREAM_KEY = Pattern.compile("weather:series:(\\$municipality|mixco|guatemala|amatitlan|chinautla)");

  record Query(String dashboard, JsonNode panel, JsonNode target, String datasourceUid, String datasourceType) {
    String id() {
      return dashboard + " / " + panel.path("title").asText() + " / " + target.path("refId").asText();
    }
  }

  private Dashboards() {}

  static List<Path> files() {
    return Repo.files("grafana/dashboards", ".json");
  }

  /** Provisioned data sources: uid → type. */
  static Map<String, String> datasources() {
    Map<String, String> out = new HashMap<>();
    for (JsonNode ds : Repo.readDocuments(Repo.path("grafana/provisioning/datasources/datasources.yaml")).getFirst().path("datasources")) {
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

  /** Every query of every panel, its data source resolved through the dashboard's variables. */
  static List<Query> queries() {
    List<Query> out = new ArrayList<>();
    for (Path file : files()) {
      JsonNode d = Repo.readJson(file);
      Map<String, JsonNode> variables = new HashMap<>();
      d.path("templating").path("list").forEach(v -> variables.put(v.path("name").asText(), v));
      for (JsonNode panel : panels(d)) {
        for (JsonNode t : panel.path("targets")) {
          JsonNode ds = t.has("datasource") ? t.path("datasource") : panel.path("datasource");
          String uid = ds.path("uid").asText();
          var m = Pattern.compile("^\\$\\{(\\w+)}$").matcher(uid);
          if (m.matches()) {
            JsonNode v = variables.get(m.group(1));
            uid = v == null || !"datasource".equals(v.path("type").asText()) ? "?undefined variable " + uid
                : v.path("current").path("value").asText();
          }
          out.add(new Query(d.path("uid").asText(), panel, t, uid, ds.path("type").asText()));
        }
      }
    }
    return out;
  }
}
