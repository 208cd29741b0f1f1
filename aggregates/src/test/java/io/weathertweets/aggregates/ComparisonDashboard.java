package io.weathertweets.aggregates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates {@code grafana/dashboards/comparison.json} from {@code weather.json}, so the comparison
 * is no copy: every panel of the weather dashboard that reads the store of its {@code store}
 * variable is repeated by Grafana for each store ({@code repeat} over that variable, now
 * multi-valued with Redis and Valkey selected), side by side; every other panel (rows, Prometheus)
 * is taken as it is. {@code ComparisonDashboardTest} fails when the committed file differs, naming
 * {@link #REGENERATE}.
 */
public final class ComparisonDashboard {
  /** The command that rewrites comparison.json from weather.json. */
  public static final String REGENERATE =
      "./mvnw -q -pl aggregates -am test -Dtest=ComparisonDashboardTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dweather.regenerate=true";

  static final String WEATHER = "grafana/dashboards/weather.json";
  static final String COMPARISON = "grafana/dashboards/comparison.json";

  /** The weather dashboard's data source variable; its panels read {@code ${store}}. */
  static final String STORE_VARIABLE = "store";

  /**
   * The stores compared, left to right: provisioned data source uid → name
   * (grafana/provisioning/datasources/datasources.yaml).
   */
  static final Map<String, String> STORES = stores();

  private static Map<String, String> stores() {
    Map<String, String> stores = new java.util.LinkedHashMap<>();
    stores.put("weather-redis", "Redis");
    stores.put("weather-valkey", "Valkey");
    return java.util.Collections.unmodifiableMap(stores);
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ComparisonDashboard() {}

  /** Rewrites comparison.json under the repository {@code root}. */
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : ".");
    Files.writeString(root.resolve(COMPARISON), generate(Files.readString(root.resolve(WEATHER))));
  }

  /** comparison.json's text for the weather dashboard {@code weatherJson}. */
  static String generate(String weatherJson) {
    JsonNode weather = JSON.readTree(weatherJson);
    ObjectNode out = JSON.createObjectNode();
    for (Map.Entry<String, JsonNode> e : weather.properties()) {
      switch (e.getKey()) {
        case "uid" -> out.put("uid", "weather-tweets-comparison");
        case "title" -> out.put("title", "Weather — Redis vs Valkey");
        case "description" ->
            out.put(
                "description",
                "The panels of the Weather dashboard for both paths side by side: left Redis (Kafka"
                    + " Streams), right Valkey (RabbitMQ). Equal inputs give equal numbers. Generated"
                    + " from weather.json (ComparisonDashboard): edit that one and regenerate.");
        case "templating" -> out.set("templating", templating(e.getValue()));
        case "panels" -> out.set("panels", panels(e.getValue()));
        default -> out.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return write(out);
  }

  private static JsonNode templating(JsonNode templating) {
    ObjectNode out = (ObjectNode) templating.deepCopy();
    for (JsonNode variable : out.path("list")) {
      if (STORE_VARIABLE.equals(variable.path("name").asString())) {
        ObjectNode v = (ObjectNode) variable;
        v.put("label", "Stores");
        ObjectNode current = JSON.createObjectNode();
        ArrayNode text = current.putArray("text");
        ArrayNode value = current.putArray("value");
        STORES.forEach(
            (uid, name) -> {
              text.add(name);
              value.add(uid);
            });
        v.set("current", current);
        v.put("multi", true);
        v.put("includeAll", false);
      }
    }
    return out;
  }

  /**
   * The weather dashboard's lines of panels (same {@code y}) in order; a panel on the store
   * variable gets a line of its own, full width, which Grafana fills with one copy per store.
   */
  private static ArrayNode panels(JsonNode panels) {
    Map<Integer, List<JsonNode>> lines = new TreeMap<>();
    for (JsonNode p : panels) {
      lines.computeIfAbsent(p.path("gridPos").path("y").asInt(), y -> new ArrayList<>()).add(p);
    }
    ArrayNode out = JSON.createArrayNode();
    int y = 0;
    for (List<JsonNode> line : lines.values()) {
      line.sort(Comparator.comparingInt(p -> p.path("gridPos").path("x").asInt()));
      int height = 0;
      for (JsonNode p : line) {
        ObjectNode copy = (ObjectNode) p.deepCopy();
        if (readsTheStore(p)) {
          copy.put("title", p.path("title").asString() + " — ${" + STORE_VARIABLE + ":text}");
          ((ObjectNode) copy.path("gridPos")).put("x", 0).put("y", y).put("w", 24);
          copy.put("repeat", STORE_VARIABLE);
          copy.put("repeatDirection", "h");
          copy.put("maxPerRow", STORES.size());
          y += p.path("gridPos").path("h").asInt();
        } else {
          ((ObjectNode) copy.path("gridPos")).put("y", y);
          height = Math.max(height, p.path("gridPos").path("h").asInt());
        }
        out.add(copy);
      }
      y += height;
    }
    return out;
  }

  private static boolean readsTheStore(JsonNode panel) {
    return ("${" + STORE_VARIABLE + "}").equals(panel.path("datasource").path("uid").asString());
  }

  /** JSON as the dashboards are written: two-space indent, {@code "key": value}, UTF-8 as is. */
  static String write(JsonNode node) {
    StringBuilder out = new StringBuilder();
    write(node, "", out);
    return out.append('\n').toString();
  }

  private static void write(JsonNode node, String indent, StringBuilder out) {
    String inner = indent + "  ";
    if (node.isObject()) {
      if (node.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append("{\n");
      boolean first = true;
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        out.append(first ? "" : ",\n").append(inner);
        string(e.getKey(), out);
        out.append(": ");
        write(e.getValue(), inner, out);
        first = false;
      }
      out.append('\n').append(indent).append('}');
    } else if (node.isArray()) {
      if (node.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append("[\n");
      for (int i = 0; i < node.size(); i++) {
        out.append(i == 0 ? "" : ",\n").append(inner);
        write(node.get(i), inner, out);
      }
      out.append('\n').append(indent).append(']');
    } else if (node.isString()) {
      string(node.asString(), out);
    } else {
      out.append(node.toString());
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
