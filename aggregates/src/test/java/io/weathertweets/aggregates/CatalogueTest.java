package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The catalogue is {@link Municipality}, {@link Condition} and the store's {@link Panel}s. Java
 * code derives its lists from them (or stops compiling: {@link Aggregate#conditionCount}), the
 * bridge's Lua script receives them as arguments; {@link CatalogueFiles} writes every other place
 * that spells them out. This test checks those places independently of that writer: the compiled
 * .proto enums, every list of names in the repository's other text files (OpenAPI document, load
 * tools, Grafana dashboards, docs), and the files that show every panel. A failure names the file
 * and what to change in it.
 */
class CatalogueTest {

  /**
   * The files known to spell out the catalogue, and where. Each must still hold at least one list
   * of each kind named here, so a reformatted file cannot slip out of the check unnoticed.
   */
  private static final Map<String, String> KNOWN_LISTS =
      Map.of(
          "ingress/src/main/resources/openapi/ingress.yaml",
          "the enum of Tweet.municipality and Tweet.weather, and the message of the 400 example",
          "bench/wrk/tweet.lua",
          "the municipalities and conditions tables at the top",
          "locust/locustfile.py",
          "MUNICIPALITIES and CONDITIONS at the top",
          "locust/README.md",
          "the description of a random tweet",
          "grafana/dashboards/weather.json",
          "the municipality variable's query and options, each convertFieldType and filterFieldsByName",
          "grafana/dashboards/comparison.json",
          "generated from weather.json: change that one, then run "
              + ComparisonDashboard.REGENERATE);

  /**
   * Lists of names are looked for in files with these endings; Java derives from the enums instead.
   */
  private static final Set<String> TEXT_FILES =
      Set.of(
          ".lua",
          ".py",
          ".yaml",
          ".yml",
          ".json",
          ".jsonl",
          ".js",
          ".html",
          ".md",
          ".proto",
          ".sh",
          ".properties",
          ".xml",
          ".toml",
          ".conf",
          ".txt",
          ".csv");

  /**
   * Build outputs, and the standalone launcher's default data directory ({@code ./data}), which
   * holds what a local run wrote, not files of the repository.
   */
  private static final Set<String> SKIPPED_DIRS = Set.of("target", "node_modules", "data");

  // --- the proto enums
  // ---------------------------------------------------------------------------------------

  @Test
  void shouldHaveTheV1ProtoEnumsEqualToTheCatalogueInOrder() {
    assertThat(
            protoValues(
                io.weathertweets.proto.v1.Municipality.getDescriptor(), "MUNICIPALITY_UNSPECIFIED"))
        .as(
            "enum Municipality of proto/src/main/proto/weathertweets/v1/tweets.proto: its values after "
                + "MUNICIPALITY_UNSPECIFIED must be the constants of io.weathertweets.aggregates.Municipality, "
                + "numbered 1, 2, ... in the same order; "
                + REWRITE)
        .containsExactlyElementsOf(
            numbered(Stream.of(Municipality.values()).map(Enum::name).toList()));
    assertThat(
            protoValues(
                io.weathertweets.proto.v1.Condition.getDescriptor(), "CONDITION_UNSPECIFIED"))
        .as(
            "enum Condition of proto/src/main/proto/weathertweets/v1/tweets.proto: its values after "
                + "CONDITION_UNSPECIFIED must be the constants of io.weathertweets.aggregates.Condition, "
                + "numbered 1, 2, ... in the same order; "
                + REWRITE)
        .containsExactlyElementsOf(
            numbered(Stream.of(Condition.values()).map(Enum::name).toList()));
  }

  @Test
  void shouldHaveTheCourseProtoEnumsEqualToTheCatalogueInOrder() {
    // The gateway maps course values to v1 values by number (CourseTweetService).
    assertThat(
            protoValues(
                io.weathertweets.proto.course.Municipalities.getDescriptor(),
                "municipalities_unknown"))
        .as(
            "enum Municipalities of proto/src/main/proto/weathertweet/weathertweet.proto: its values after "
                + "municipalities_unknown must be Municipality.ids(), numbered 1, 2, ... in the same order; "
                + REWRITE)
        .containsExactlyElementsOf(numbered(Municipality.ids()));
    assertThat(
            protoValues(io.weathertweets.proto.course.Weathers.getDescriptor(), "weathers_unknown"))
        .as(
            "enum Weathers of proto/src/main/proto/weathertweet/weathertweet.proto: its values after "
                + "weathers_unknown must be Condition.ids(), numbered 1, 2, ... in the same order; "
                + REWRITE)
        .containsExactlyElementsOf(numbered(Condition.ids()));
  }

  @Test
  void shouldMapEveryProtoValueBothWays() {
    for (Municipality m : Municipality.values()) {
      assertThat(Municipality.fromProto(m.toProto())).isEqualTo(m);
      assertThat(Municipality.parse(" " + m.id().toUpperCase(Locale.ROOT) + " ")).contains(m);
    }
    for (Condition c : Condition.values()) {
      assertThat(Condition.fromProto(c.toProto())).isEqualTo(c);
      assertThat(Condition.parse(" " + c.id().toUpperCase(Locale.ROOT) + " ")).contains(c);
    }
  }

  @Test
  void shouldCountEveryConditionInItsOwnField() {
    assertThat(
            List.of(Aggregate.NUMERIC_FIELDS)
                .subList(
                    Aggregate.NUMERIC_FIELDS.length - Condition.ids().size(),
                    Aggregate.NUMERIC_FIELDS.length))
        .containsExactlyElementsOf(Condition.ids());
    for (Condition c : Condition.values()) {
      Aggregate one = Aggregate.EMPTY.plus(20, 50, c, 1);
      assertThat(Condition.values())
          .allSatisfy(
              other ->
                  assertThat(one.conditionCount(other))
                      .as("Aggregate.plus with %s counts it under %s", c, other)
                      .isEqualTo(other == c ? 1 : 0));
      assertThat(one.toFields())
          .as("Aggregate.toFields after one %s tweet", c)
          .containsEntry(c.id(), "1");
      assertThat(Aggregate.fromFields(one.toFields()).conditionCount(c))
          .as("Aggregate.fromFields reads the field %s", c.id())
          .isEqualTo(1);
    }
  }

  // --- every other file
  // ---------------------------------------------------------------------------------------

  @Test
  void shouldFindOnlyWholeListsInTheRepositorysTextFiles() {
    List<String> problems = new ArrayList<>();
    for (Path file : textFiles(root())) {
      String text = read(file);
      if (text == null) {
        continue;
      }
      for (Kind kind : Kind.values()) {
        for (Found list : lists(text, kind)) {
          if (!list.names().equals(kind.ids())) {
            problems.add(problem(file, "line " + list.line(), kind, list.names()));
          }
        }
      }
    }
    assertThat(problems).as(summary()).isEmpty();
  }

  @Test
  void shouldFindOnlyWholeListsInTheGrafanaDashboards() {
    List<String> problems = new ArrayList<>();
    Path dir = root().resolve("grafana/dashboards");
    List<Path> dashboards =
        files(dir).stream().filter(p -> p.toString().endsWith(".json")).toList();
    assertThat(dashboards).as("dashboards under %s", dir).isNotEmpty();
    for (Path file : dashboards) {
      Object json = JsonPath.parse(read(file)).read("$");
      walk(
          json,
          "",
          (where, names) -> {
            for (Kind kind : Kind.values()) {
              List<String> found = names.stream().filter(kind.ids()::contains).toList();
              if (found.size() >= 2
                  && new LinkedHashSet<>(found).size() == found.size()
                  && !found.equals(kind.ids())) {
                problems.add(problem(file, where, kind, found));
              }
            }
          });
    }
    assertThat(problems).as(summary()).isEmpty();
  }

  @Test
  void shouldStillSeeTheListsOfTheFilesKnownToHoldThem() {
    List<String> problems = new ArrayList<>();
    KNOWN_LISTS.forEach(
        (relative, where) -> {
          Path file = root().resolve(relative);
          if (!Files.isRegularFile(file)) {
            problems.add(relative + " is gone: remove it from CatalogueTest.KNOWN_LISTS");
            return;
          }
          for (Kind kind : Kind.values()) {
            if (lists(read(file), kind).isEmpty()) {
              problems.add(
                  relative
                      + " ("
                      + where
                      + "): no list of "
                      + kind.plural
                      + " found any more; if the file "
                      + "no longer spells them out, remove it from CatalogueTest.KNOWN_LISTS, otherwise write the list as "
                      + "the names separated by commas, blanks or quotes");
            }
          }
        });
    assertThat(problems).isEmpty();
  }

  // --- the panels
  // ---------------------------------------------------------------------------------------

  /**
   * The text files that have to name every panel hash ({@link Panel}), and where. Java derives from
   * the enum, the Lua script receives the panels as arguments and the live page asks {@code GET
   * /api/catalogue}; every Grafana dashboard that reads the store is checked below.
   */
  private static final Map<String, String> KNOWN_PANEL_FILES =
      Map.of("README.md", "the redis-cli lines of \"Reading the figures with redis-cli\"");

  @Test
  void shouldShowEveryPanelInEveryDashboardThatReadsTheStore() {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Path file : files(root().resolve("grafana/dashboards"))) {
      if (!file.toString().endsWith(".json")) {
        continue;
      }
      List<String> keys = JsonPath.parse(read(file)).read("$..targets[*].keyName");
      if (keys.stream().noneMatch(k -> k.startsWith(StoreLayout.DEFAULT.prefix() + ":"))) {
        continue; // not a store dashboard (Prometheus only)
      }
      checked++;
      for (Panel panel : Panel.values()) {
        String key = StoreLayout.DEFAULT.panel(panel);
        if (!keys.contains(key)) {
          problems.add(
              root().relativize(file)
                  + ": no Grafana panel reads "
                  + key
                  + " (io.weathertweets.aggregates.Panel."
                  + panel.name()
                  + "); add one to grafana/dashboards/weather.json, then run "
                  + ComparisonDashboard.REGENERATE
                  + " (comparison.json is generated from it)");
        }
      }
    }
    assertThat(checked).as("store dashboards under grafana/dashboards").isGreaterThan(0);
    assertThat(problems).isEmpty();
  }

  @Test
  void shouldNameEveryPanelInTheFilesKnownToListThem() {
    List<String> problems = new ArrayList<>();
    KNOWN_PANEL_FILES.forEach(
        (relative, where) -> {
          String text = read(root().resolve(relative));
          for (Panel panel : Panel.values()) {
            if (!Pattern.compile(
                    "(^|[\\s`])(weather)?:" + Pattern.quote(panel.id()) + "\\b", Pattern.MULTILINE)
                .matcher(text)
                .find()) {
              problems.add(
                  relative
                      + " ("
                      + where
                      + "): the panel hash weather:"
                      + panel.id()
                      + " (io.weathertweets.aggregates.Panel."
                      + panel.name()
                      + ") is not named; add it");
            }
          }
        });
    assertThat(problems).isEmpty();
  }

  // --- how lists are found
  // ------------------------------------------------------------------------------------

  enum Kind {
    MUNICIPALITY("municipalities", "io.weathertweets.aggregates.Municipality"),
    CONDITION("conditions", "io.weathertweets.aggregates.Condition");

    final String plural;
    final String source;

    Kind(String plural, String source) {
      this.plural = plural;
      this.source = source;
    }

    List<String> ids() {
      return this == MUNICIPALITY ? Municipality.ids() : Condition.ids();
    }

    /** Finds one name of this kind at a time in {@code text}, in any case. */
    Matcher name(String text) {
      return Pattern.compile("\\b(?:" + String.join("|", ids()) + ")\\b", Pattern.CASE_INSENSITIVE)
          .matcher(text);
    }

    /**
     * Two or more names separated only by blanks, commas, quotes, brackets or {@code |}: a list, in
     * any of the file formats here ({@code [a, b]}, {@code {'a', 'b'}}, {@code "a,b"}, {@code a|b},
     * prose {@code a, b}). A list that lacks a name just added to the catalogue is found (its other
     * names still match); a name removed from the catalogue no longer matches, which is why the
     * proto enums refuse removals ({@link CatalogueFiles#protoEnum}).
     */
    Pattern pattern() {
      String name = "\\b(?:" + String.join("|", ids()) + ")\\b";
      return Pattern.compile(
          name + "(?:[\\s,'\"`|\\[\\]{}()]+" + name + ")+", Pattern.CASE_INSENSITIVE);
    }
  }

  /** A list found at {@code start..end} of a text (from its first name to its last). */
  record Found(int line, List<String> names, int start, int end) {}

  /**
   * Every list of names of {@code kind} in {@code text}; a run that names one twice is not a list.
   */
  static List<Found> lists(String text, Kind kind) {
    List<Found> found = new ArrayList<>();
    Matcher run = kind.pattern().matcher(text);
    while (run.find()) {
      List<String> names = new ArrayList<>();
      Matcher m = kind.name(run.group());
      while (m.find()) {
        names.add(m.group().toLowerCase(Locale.ROOT));
      }
      if (new LinkedHashSet<>(names).size() == names.size()) {
        found.add(new Found(lineOf(text, run.start()), names, run.start(), run.end()));
      }
    }
    return found;
  }

  /**
   * The fields of a dashboard array's object element that carry its name, first found wins (a
   * conversion's {@code targetField}, an option's {@code value} or {@code text}).
   */
  static final List<String> NAME_FIELDS = List.of("targetField", "value", "text");

  interface ArrayVisitor {
    void visit(String where, List<String> names);
  }

  /**
   * Visits every JSON array with the names its elements carry (a string element itself, an object's
   * {@code targetField}, {@code value} or {@code text}), and every comma-separated string (a custom
   * variable's query) as a list.
   */
  private static void walk(Object node, String where, ArrayVisitor visitor) {
    if (node instanceof Map<?, ?> object) {
      String here =
          object.get("title") instanceof String title && !where.isEmpty()
              ? where + " \"" + title + "\""
              : where;
      object.forEach(
          (key, value) -> walk(value, here.isEmpty() ? key.toString() : here + "." + key, visitor));
    } else if (node instanceof List<?> array) {
      List<String> names = new ArrayList<>();
      for (Object element : array) {
        if (element instanceof String s) {
          names.add(s);
        } else if (element instanceof Map<?, ?> object) {
          NAME_FIELDS.stream()
              .map(object::get)
              .filter(String.class::isInstance)
              .map(String.class::cast)
              .findFirst()
              .ifPresent(names::add);
        }
      }
      visitor.visit(where, names);
      for (int i = 0; i < array.size(); i++) {
        walk(array.get(i), where + "[" + i + "]", visitor);
      }
    } else if (node instanceof String s && s.contains(",")) {
      visitor.visit(where, List.of(s.split("\\s*,\\s*")));
    }
  }

  private static String problem(Path file, String where, Kind kind, List<String> names) {
    List<String> missing = kind.ids().stream().filter(n -> !names.contains(n)).toList();
    List<String> extra = names.stream().filter(n -> !kind.ids().contains(n)).toList();
    String relative = root().relativize(file).toString().replace('\\', '/');
    String hint = KNOWN_LISTS.containsKey(relative) ? " (" + KNOWN_LISTS.get(relative) + ")" : "";
    return relative
        + hint
        + ", "
        + where
        + ": lists the "
        + kind.plural
        + " "
        + names
        + " but "
        + kind.source
        + " has "
        + kind.ids()
        + (missing.isEmpty() ? "" : "; add " + missing)
        + (extra.isEmpty() ? "" : "; remove " + extra)
        + (missing.isEmpty() && extra.isEmpty() ? "; put them in this order" : "");
  }

  private static String summary() {
    return "every list of municipalities or conditions outside Java must be the whole catalogue "
        + "(io.weathertweets.aggregates.Municipality / Condition), in its order; "
        + REWRITE;
  }

  private static final String REWRITE = CatalogueFiles.REGENERATE + " rewrites them";

  private static List<String> numbered(List<String> names) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      out.add(names.get(i) + "=" + (i + 1));
    }
    return out;
  }

  private static List<String> protoValues(EnumDescriptor descriptor, String unspecified) {
    List<EnumValueDescriptor> values = descriptor.getValues();
    assertThat(values.getFirst().getName())
        .as(descriptor.getFullName() + " starts with " + unspecified + " = 0")
        .isEqualTo(unspecified);
    assertThat(values.getFirst().getNumber()).isZero();
    return values.stream().skip(1).map(v -> v.getName() + "=" + v.getNumber()).toList();
  }

  // --- the repository
  // -----------------------------------------------------------------------------------------

  /**
   * The repository root: {@code -Drepo.root}, else the nearest directory above the working one
   * holding aggregates.
   */
  static Path root() {
    String configured = System.getProperty("repo.root");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("aggregates/pom.xml"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no repository root above " + Path.of("").toAbsolutePath() + " (set -Drepo.root)");
  }

  /** The text files under {@code root} in which lists of names are looked for. */
  static List<Path> textFiles(Path root) {
    return files(root).stream()
        .filter(
            p -> {
              String name = p.getFileName().toString();
              int dot = name.lastIndexOf('.');
              return dot >= 0 && TEXT_FILES.contains(name.substring(dot).toLowerCase(Locale.ROOT));
            })
        .toList();
  }

  /** The regular files under {@code dir}, none in a build output or hidden directory. */
  private static List<Path> files(Path dir) {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(
              p -> {
                for (Path part : dir.relativize(p)) {
                  String n = part.toString();
                  if (SKIPPED_DIRS.contains(n) || n.startsWith(".")) {
                    return false;
                  }
                }
                return true;
              })
          .filter(Files::isRegularFile)
          .sorted()
          .forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The file as UTF-8 text; null for a binary or very large file. */
  static String read(Path file) {
    try {
      if (Files.size(file) > 2_000_000) {
        return null;
      }
      return Files.readString(file);
    } catch (MalformedInputException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
