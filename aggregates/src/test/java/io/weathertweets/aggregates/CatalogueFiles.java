package io.weathertweets.aggregates;

import io.weathertweets.aggregates.CatalogueTest.Found;
import io.weathertweets.aggregates.CatalogueTest.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Writes the catalogue ({@link Municipality}, {@link Condition}) into every file outside Java that
 * spells it out, so adding a municipality or a condition is one edit of its enum followed by {@link
 * #REGENERATE}:
 *
 * <ul>
 *   <li>the .proto enums ({@link #PROTO_ENUMS}): their values after the unspecified one become the
 *       enum's constants, numbered 1, 2, ... in order;
 *   <li>every list of names in the other text files ({@link CatalogueTest#lists}: the OpenAPI
 *       enums, the load tools, the docs) becomes the whole catalogue, written as the list was
 *       (separator, quotes, case);
 *   <li>the Grafana dashboard {@code weather.json}: each array of per-name elements (a variable's
 *       options, a transformation's conversions) gets one element per name, a new one copied from
 *       its neighbour; each comma-separated list (a variable's query) the whole catalogue; then
 *       {@code comparison.json} is generated from it ({@link ComparisonDashboard}).
 * </ul>
 *
 * {@code CatalogueFilesTest} fails while a committed file differs from what this writes, naming
 * {@link #REGENERATE}.
 */
public final class CatalogueFiles {
  /** The command that rewrites every file from the catalogue. */
  public static final String REGENERATE =
      "./mvnw -q -pl aggregates -am test -Dtest=CatalogueFilesTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dweather.regenerate=true";

  /** An enum of a .proto file that lists a kind: its values after {@code unspecified}. */
  record ProtoEnum(String file, String name, String unspecified, Kind kind, boolean upperCase) {}

  static final List<ProtoEnum> PROTO_ENUMS =
      List.of(
          new ProtoEnum(
              "proto/src/main/proto/weathertweets/v1/tweets.proto",
              "Municipality",
              "MUNICIPALITY_UNSPECIFIED",
              Kind.MUNICIPALITY,
              true),
          new ProtoEnum(
              "proto/src/main/proto/weathertweets/v1/tweets.proto",
              "Condition",
              "CONDITION_UNSPECIFIED",
              Kind.CONDITION,
              true),
          // The gateway maps course values to v1 values by number (CourseTweetService).
          new ProtoEnum(
              "proto/src/main/proto/weathertweet/weathertweet.proto",
              "Municipalities",
              "municipalities_unknown",
              Kind.MUNICIPALITY,
              false),
          new ProtoEnum(
              "proto/src/main/proto/weathertweet/weathertweet.proto",
              "Weathers",
              "weathers_unknown",
              Kind.CONDITION,
              false));

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private CatalogueFiles() {}

  /**
   * Every file under {@code root} whose text differs from what the catalogue says, with the text it
   * should have.
   */
  static Map<Path, String> generate(Path root) {
    Map<Path, String> committed = new HashMap<>();
    Function<Path, String> read = p -> committed.computeIfAbsent(p, CatalogueTest::read);
    Map<Path, String> texts = new LinkedHashMap<>();
    Function<Path, String> current = p -> texts.containsKey(p) ? texts.get(p) : read.apply(p);
    for (ProtoEnum e : PROTO_ENUMS) {
      Path file = root.resolve(e.file());
      texts.put(file, protoEnum(current.apply(file), e));
    }
    Path weather = root.resolve(ComparisonDashboard.WEATHER);
    Path comparison = root.resolve(ComparisonDashboard.COMPARISON);
    for (Path file : CatalogueTest.textFiles(root)) {
      if (file.equals(weather) || file.equals(comparison)) {
        continue;
      }
      String text = current.apply(file);
      if (text != null) {
        texts.put(file, lists(text));
      }
    }
    String dashboard = dashboard(read.apply(weather));
    texts.put(weather, dashboard);
    texts.put(comparison, ComparisonDashboard.generate(dashboard));
    texts.entrySet().removeIf(e -> e.getValue().equals(read.apply(e.getKey())));
    return texts;
  }

  /**
   * {@code text} with the values of {@code e} after its unspecified one written from the catalogue:
   * the n-th constant is value n. Numbers are on the wire, in brokers' retained messages and in the
   * Streams state, so only appending is allowed: a value that would change its number or disappear
   * stops the rewrite with what to do instead, and so does anything but {@code NAME = n;} lines in
   * the enum (a comment, an option or {@code reserved} would be lost).
   */
  static String protoEnum(String text, ProtoEnum e) {
    Matcher m =
        Pattern.compile(
                "(enum\\s+"
                    + Pattern.quote(e.name())
                    + "\\s*\\{[^}]*?\\n([ \\t]*)"
                    + Pattern.quote(e.unspecified())
                    + "\\s*=\\s*0;[^\\n]*\\n)([^}]*)\\}")
            .matcher(text);
    if (!m.find()) {
      throw new IllegalStateException(
          e.file()
              + ": no enum "
              + e.name()
              + " starting with "
              + e.unspecified()
              + " = 0; change CatalogueFiles.PROTO_ENUMS if it moved");
    }
    List<String> ids = e.kind().ids();
    Function<String, String> cased = id -> e.upperCase() ? id.toUpperCase(Locale.ROOT) : id;
    Matcher value = Pattern.compile("\\s*(\\w+)\\s*=\\s*(\\d+);[ \\t]*").matcher("");
    int n = 0;
    for (String line : m.group(3).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (!value.reset(line).matches()) {
        throw new IllegalStateException(
            e.file()
                + ", enum "
                + e.name()
                + ": \""
                + line.strip()
                + "\" is not a NAME = n; line."
                + " CatalogueFiles writes this enum's values: move it above "
                + e.unspecified());
      }
      n++;
      String expected = n <= ids.size() ? cased.apply(ids.get(n - 1)) : null;
      if (!value.group(1).equals(expected) || Integer.parseInt(value.group(2)) != n) {
        throw new IllegalStateException(
            e.file()
                + ", enum "
                + e.name()
                + ": "
                + value.group(1)
                + " = "
                + value.group(2)
                + " would become "
                + (expected == null ? "nothing" : expected + " = " + n)
                + ". Numbers are on the wire and in stored state: append new constants to "
                + e.kind().source
                + " and keep the old ones in their place; to retire one, keep it"
                + " and stop accepting it");
      }
    }
    StringBuilder values = new StringBuilder(m.group(3).stripTrailing());
    values.append(values.isEmpty() ? "" : "\n");
    for (int i = n; i < ids.size(); i++) {
      values.append(m.group(2)).append(cased.apply(ids.get(i))).append(" = ").append(i + 1);
      values.append(";\n");
    }
    return text.substring(0, m.start(3)) + values + text.substring(m.end(3));
  }

  /** {@code text} with every list of names (of either kind) replaced by the whole catalogue. */
  static String lists(String text) {
    for (Kind kind : Kind.values()) {
      StringBuilder out = new StringBuilder();
      int at = 0;
      for (Found list : CatalogueTest.lists(text, kind)) {
        if (list.names().equals(kind.ids())) {
          continue; // whole already: left as written, line breaks included
        }
        out.append(text, at, list.start())
            .append(rewrite(text.substring(list.start(), list.end()), kind));
        at = list.end();
      }
      text = out.append(text.substring(at)).toString();
    }
    return text;
  }

  /** One list, e.g. {@code mixco", "guatemala}, as the whole catalogue in the same notation. */
  private static String rewrite(String list, Kind kind) {
    Matcher name = kind.name(list);
    name.find();
    String first = name.group();
    int end = name.end();
    name.find();
    String separator = list.substring(end, name.start());
    List<String> out = new ArrayList<>();
    for (String id : kind.ids()) {
      out.add(sameCase(id, first));
    }
    return String.join(separator, out);
  }

  /** {@code id} written in the case of {@code like}: lower, UPPER or Capitalized. */
  private static String sameCase(String id, String like) {
    if (like.equals(like.toUpperCase(Locale.ROOT))) {
      return id.toUpperCase(Locale.ROOT);
    }
    if (Character.isUpperCase(like.charAt(0))) {
      return Character.toUpperCase(id.charAt(0)) + id.substring(1);
    }
    return id;
  }

  // --- the Grafana dashboard
  // ----------------------------------------------------------------------------------

  /** weather.json's text with every list of names in it made whole. */
  static String dashboard(String json) {
    return ComparisonDashboard.write(dashboard(JSON.readTree(json)));
  }

  private static JsonNode dashboard(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JSON.createObjectNode();
      node.properties().forEach(e -> out.set(e.getKey(), dashboard(e.getValue())));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      for (JsonNode e : node.values()) {
        out.add(dashboard(e));
      }
      for (Kind kind : Kind.values()) {
        out = perName(out, kind);
      }
      return out;
    }
    if (node.isString() && node.asString().contains(",")) {
      return StringNode.valueOf(commaList(node.asString()));
    }
    return node.deepCopy();
  }

  /** A comma-separated string naming two or more of a kind, as the whole catalogue. */
  private static String commaList(String s) {
    for (Kind kind : Kind.values()) {
      String[] parts = s.split(",", -1);
      long named = 0;
      for (String p : parts) {
        named += kind.ids().contains(p.trim()) ? 1 : 0;
      }
      if (named >= 2 && named == parts.length) {
        Matcher separator = Pattern.compile(",\\s*").matcher(s);
        separator.find();
        return String.join(separator.group(), kind.ids());
      }
    }
    return s;
  }

  /**
   * An array whose elements name two or more of {@code kind} ({@link #nameOf}), one after the other
   * and each once, with one element per name of the catalogue, in its order: the elements before
   * and after the named ones stay where they are, a missing name gets a copy of the last named
   * element with that element's name replaced in every string.
   */
  private static ArrayNode perName(ArrayNode array, Kind kind) {
    Map<String, JsonNode> named = new LinkedHashMap<>();
    int first = -1;
    int last = -1;
    int count = 0;
    for (int i = 0; i < array.size(); i++) {
      String name = nameOf(array.get(i));
      if (name != null && kind.ids().contains(name)) {
        named.putIfAbsent(name, array.get(i));
        first = first < 0 ? i : first;
        last = i;
        count++;
      }
    }
    if (named.size() < 2 || count != last - first + 1 || count != named.size()) {
      // Not one run of distinct names: left as it is (CatalogueTest names it if it is incomplete).
      return array;
    }
    String templateName = nameOf(array.get(last));
    JsonNode template = array.get(last);
    ArrayNode out = JSON.createArrayNode();
    for (int i = 0; i < first; i++) {
      out.add(array.get(i));
    }
    for (String id : kind.ids()) {
      JsonNode element = named.get(id);
      out.add(element != null ? element : renamed(template, templateName, id));
    }
    for (int i = last + 1; i < array.size(); i++) {
      out.add(array.get(i));
    }
    return out;
  }

  /**
   * The name an element of a dashboard array carries, as {@code CatalogueTest} reads it: a string
   * itself, an object's first {@link CatalogueTest#NAME_FIELDS} field; else null.
   */
  private static String nameOf(JsonNode element) {
    if (element.isString()) {
      return element.asString();
    }
    for (String field : CatalogueTest.NAME_FIELDS) {
      if (element.path(field).isString()) {
        return element.path(field).asString();
      }
    }
    return null;
  }

  private static JsonNode renamed(JsonNode node, String from, String to) {
    if (node.isString()) {
      return StringNode.valueOf(
          node.asString().equalsIgnoreCase(from) ? sameCase(to, node.asString()) : node.asString());
    }
    if (node.isObject()) {
      ObjectNode out = JSON.createObjectNode();
      node.properties().forEach(e -> out.set(e.getKey(), renamed(e.getValue(), from, to)));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      node.values().forEach(e -> out.add(renamed(e, from, to)));
      return out;
    }
    return node.deepCopy();
  }
}
