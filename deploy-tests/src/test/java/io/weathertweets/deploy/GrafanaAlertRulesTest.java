package io.weathertweets.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The alert rules Grafana provisions from {@code grafana/provisioning/alerting}: in Grafana's
 * file-provisioning schema (apiVersion 1, groups of rules; the fields Grafana's {@code
 * AlertRuleV1}/{@code QueryV1} read), on the provisioned data sources, reading only series the
 * services export, and mounted where Grafana reads them.
 *
 * <p>Grafana ignores keys it does not know, so a misspelt {@code noDataStat} would silently fall
 * back to the default: the keys are checked against the schema's. It refuses the whole start on a
 * rule it cannot parse (no uid, title, condition or data; a query without a time range), and
 * expands environment variables in titles and labels ({@code $name}) and in annotations ({@code
 * ${name}}), which would eat a template's {@code $labels}.
 */
class GrafanaAlertRulesTest {
  private static final Set<String> FILE_KEYS = Set.of("apiVersion", "groups", "deleteRules");
  private static final Set<String> GROUP_KEYS =
      Set.of("orgId", "name", "folder", "interval", "rules");
  private static final Set<String> RULE_KEYS =
      Set.of(
          "uid",
          "title",
          "condition",
          "data",
          "dashboardUid",
          "panelId",
          "noDataState",
          "execErrState",
          "for",
          "keepFiringFor",
          "missing_series_evals_to_resolve",
          "annotations",
          "labels",
          "isPaused",
          "notification_settings",
          "record");
  private static final Set<String> QUERY_KEYS =
      Set.of("refId", "queryType", "relativeTimeRange", "datasourceUid", "model");
  private static final Set<String> NO_DATA_STATES = Set.of("NoData", "Alerting", "OK", "KeepLast");
  private static final Set<String> EXEC_ERR_STATES = Set.of("Error", "Alerting", "OK", "KeepLast");

  /** Grafana's data source uid for server-side expressions (math, reduce, threshold). */
  private static final String EXPRESSION = "__expr__";

  /**
   * Grafana evaluates rules on a 10 s tick (unified_alerting.min_interval): a group's interval is a
   * multiple.
   */
  private static final Duration BASE_INTERVAL = Duration.ofSeconds(10);

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern UID = Pattern.compile("[a-zA-Z0-9_-]{1,40}");

  @Test
  void alertingFilesShouldFollowGrafanasProvisioningSchema() {
    List<String> errors = new ArrayList<>();
    List<Path> files = Dashboards.alertingFiles();
    assertThat(files).as("alerting provisioning files").isNotEmpty();
    Set<String> uids = new HashSet<>();
    for (Path file : files) {
      String f = file.getFileName().toString();
      for (JsonNode doc : Repo.readDocuments(file)) {
        unknownKeys(f, doc, FILE_KEYS, errors);
        if (doc.path("apiVersion").asInt() != 1) {
          errors.add(f + ": apiVersion must be 1");
        }
        if (doc.path("groups").isEmpty()) {
          errors.add(f + ": no groups");
        }
        for (JsonNode group : doc.path("groups")) {
          String g = f + " / group " + group.path("name").asText();
          unknownKeys(g, group, GROUP_KEYS, errors);
          for (String required : List.of("name", "folder", "interval")) {
            if (group.path(required).asText().isBlank()) {
              errors.add(g + ": no " + required);
            }
          }
          Duration interval = duration(group.path("interval").asText());
          if (interval == null
              || interval.isZero()
              || interval.toMillis() % BASE_INTERVAL.toMillis() != 0) {
            errors.add(
                g
                    + ": interval '"
                    + group.path("interval").asText()
                    + "' is not a multiple of "
                    + BASE_INTERVAL);
          }
          if (group.path("rules").isEmpty()) {
            errors.add(g + ": no rules");
          }
          for (JsonNode rule : group.path("rules")) {
            errors.addAll(ruleErrors(g, rule));
            if (!uids.add(rule.path("uid").asText())) {
              errors.add(g + ": uid " + rule.path("uid").asText() + " used twice");
            }
          }
        }
      }
    }
    assertThat(errors).isEmpty();
  }

  @Test
  void schemaCheckShouldCatchAMisspeltOrMissingField() {
    ObjectNode rule = Dashboards.alertRules().getFirst().rule().deepCopy();
    rule.set("noDataStat", rule.remove("noDataState"));
    rule.remove("condition");
    ((ObjectNode) rule.path("data").get(0)).remove("relativeTimeRange");
    assertThat(ruleErrors("g", rule))
        .anySatisfy(e -> assertThat(e).contains("unknown key 'noDataStat'"))
        .anySatisfy(e -> assertThat(e).contains("condition"))
        .anySatisfy(e -> assertThat(e).contains("relative time range"));
  }

  @Test
  void alertQueriesShouldUseProvisionedDataSourcesAndOnlySeriesTheServicesExport() {
    Map<String, String> provisioned = Dashboards.datasources();
    List<String> errors = new ArrayList<>();
    int promql = 0;
    for (Dashboards.AlertQuery q : Dashboards.alertQueries()) {
      String uid = q.datasourceUid();
      if (EXPRESSION.equals(uid)) {
        continue;
      }
      if (!provisioned.containsKey(uid)) {
        errors.add(
            q.id()
                + ": data source "
                + uid
                + " is not provisioned (alert rules name it by uid, not by variable)");
      } else if ("prometheus".equals(provisioned.get(uid))) {
        promql++;
        errors.addAll(
            Dashboards.unknownSeries(q.id(), q.query().path("model").path("expr").asText()));
      }
    }
    assertThat(errors).isEmpty();
    assertThat(promql).isPositive();
  }

  @Test
  void aStoppedPathShouldFireOnePerPathAndSayWhereToLook() {
    Dashboards.AlertRule stalled =
        Dashboards.alertRules().stream()
            .filter(r -> "A path has stopped consuming".equals(r.rule().path("title").asText()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no alert rule 'A path has stopped consuming'"));
    JsonNode rule = stalled.rule();
    Map<String, JsonNode> byRef = new java.util.HashMap<>();
    rule.path("data").forEach(q -> byRef.put(q.path("refId").asText(), q));
    // Tweets behind and seconds idle, each as one series per path; then lag > 0 and idle >= the
    // stall limit.
    JsonNode condition = byRef.get(rule.path("condition").asText());
    String expression = condition.path("model").path("expression").asText();
    Matcher refs = Pattern.compile("\\$(\\w+)").matcher(expression);
    Map<String, String> exprOf = new java.util.TreeMap<>();
    while (refs.find()) {
      exprOf.put(refs.group(1), byRef.get(refs.group(1)).path("model").path("expr").asText());
    }
    assertThat(exprOf.values())
        .containsExactlyInAnyOrder(
            "max by (path) (weather_consumer_lag_messages)",
            "min by (path) (weather_consumer_idle_seconds)");
    String lag =
        exprOf.entrySet().stream()
            .filter(e -> e.getValue().contains("lag"))
            .findFirst()
            .orElseThrow()
            .getKey();
    String idle =
        exprOf.entrySet().stream()
            .filter(e -> e.getValue().contains("idle"))
            .findFirst()
            .orElseThrow()
            .getKey();
    // The limit at which the consumers' health turns DOWN (weather.health.stall-after, 60 s).
    assertThat(expression.replace(" ", "")).contains("$" + lag + ">0", "$" + idle + ">=60", "&&");
    assertThat(condition.path("model").path("type").asText()).isEqualTo("math");
    assertThat(duration(rule.path("for").asText())).isEqualTo(Duration.ofMinutes(1));
    assertThat(rule.path("labels").path("severity").asText()).isNotBlank();
    String summary = rule.path("annotations").path("summary").asText();
    String description = rule.path("annotations").path("description").asText();
    assertThat(summary).contains("{{ $labels.path }}");
    // What to look at, for each path: the consumer's health endpoint and its log.
    assertThat(description)
        .contains(
            "streams-app",
            "rabbit-bridge",
            "/actuator/health",
            "logs deploy/streams-app",
            "logs deploy/rabbit-bridge",
            "$labels.path");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "gke"})
  void grafanaShouldReadTheAlertRulesFromItsProvisioningDirectory(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    JsonNode grafana = StrimziResourcesTest.find(all, "Deployment", "grafana");
    JsonNode pod = grafana.path("spec").path("template").path("spec");
    String volume = null;
    String configMapName = null;
    for (JsonNode v : pod.path("volumes")) {
      if (Kustomize.isGenerated(v.path("configMap").path("name").asText(), "grafana-alerting")) {
        volume = v.path("name").asText();
        configMapName = v.path("configMap").path("name").asText();
      }
    }
    assertThat(configMapName).as("a volume from the grafana-alerting ConfigMap").isNotNull();
    String mounted = volume;
    assertThat(pod.path("containers").get(0).path("volumeMounts"))
        .as("mounted at " + Dashboards.ALERTING_DIR)
        .anyMatch(
            m ->
                m.path("name").asText().equals(mounted)
                    && m.path("mountPath").asText().equals(Dashboards.ALERTING_DIR));
    // Every file of grafana/provisioning/alerting, as it is in git: a file left out of the
    // generator is never read.
    JsonNode data = StrimziResourcesTest.find(all, "ConfigMap", configMapName).path("data");
    Set<String> keys = new TreeSet<>();
    data.fieldNames().forEachRemaining(keys::add);
    Set<String> files = new TreeSet<>();
    for (Path file : Dashboards.alertingFiles()) {
      files.add(file.getFileName().toString());
      assertThat(data.path(file.getFileName().toString()).asText())
          .as(file.getFileName().toString())
          .isEqualTo(Repo.read(file));
    }
    assertThat(keys).isEqualTo(files);
  }

  /** What Grafana would refuse or silently misread in one rule. */
  static List<String> ruleErrors(String group, JsonNode rule) {
    List<String> errors = new ArrayList<>();
    String r = group + " / rule " + rule.path("title").asText(rule.path("uid").asText());
    unknownKeys(r, rule, RULE_KEYS, errors);
    if (!UID.matcher(rule.path("uid").asText()).matches()) {
      errors.add(
          r + ": uid '" + rule.path("uid").asText() + "' is not 1-40 letters, digits, '-' or '_'");
    }
    if (rule.path("title").asText().isBlank()) {
      errors.add(r + ": no title");
    }
    if (rule.path("data").isEmpty()) {
      errors.add(r + ": no data");
    }
    Set<String> refIds = new TreeSet<>();
    for (JsonNode q : rule.path("data")) {
      String id = r + " / " + q.path("refId").asText();
      unknownKeys(id, q, QUERY_KEYS, errors);
      if (q.path("refId").asText().isBlank() || !refIds.add(q.path("refId").asText())) {
        errors.add(id + ": refId missing or used twice");
      }
      if (!q.path("refId").asText().equals(q.path("model").path("refId").asText())) {
        errors.add(id + ": model.refId differs from refId");
      }
      String uid = q.path("datasourceUid").asText();
      if (uid.isBlank()) {
        errors.add(id + ": no datasourceUid");
      } else if (!q.path("model").path("datasource").path("uid").asText(uid).equals(uid)) {
        errors.add(id + ": model.datasource.uid differs from datasourceUid");
      }
      JsonNode range = q.path("relativeTimeRange");
      boolean expression = EXPRESSION.equals(uid);
      if (!range.has("from")
          || !range.has("to")
          || (!expression && range.path("from").asLong() <= range.path("to").asLong())) {
        errors.add(
            id
                + ": relative time range must be {from, to} with from > to (seconds before now) for a query");
      }
      if (!expression && q.path("model").path("expr").asText().isBlank()) {
        errors.add(id + ": a Prometheus query without expr");
      }
    }
    String condition = rule.path("condition").asText();
    if (!refIds.contains(condition)) {
      errors.add(
          r + ": condition '" + condition + "' is not the refId of one of its data " + refIds);
    }
    for (JsonNode q : rule.path("data")) {
      Matcher m =
          Pattern.compile("\\$\\{?(\\w+)").matcher(q.path("model").path("expression").asText());
      while (m.find()) {
        if (!refIds.contains(m.group(1))) {
          errors.add(r + ": expression refers to $" + m.group(1) + ", not a refId of the rule");
        }
      }
    }
    if (!NO_DATA_STATES.contains(rule.path("noDataState").asText())) {
      errors.add(
          r
              + ": noDataState '"
              + rule.path("noDataState").asText()
              + "' is not one of "
              + NO_DATA_STATES);
    }
    if (!EXEC_ERR_STATES.contains(rule.path("execErrState").asText())) {
      errors.add(
          r
              + ": execErrState '"
              + rule.path("execErrState").asText()
              + "' is not one of "
              + EXEC_ERR_STATES);
    }
    if (duration(rule.path("for").asText()) == null) {
      errors.add(r + ": for '" + rule.path("for").asText() + "' is not a duration");
    }
    if (rule.path("title").asText().contains("$")) {
      errors.add(r + ": '$' in the title is expanded as an environment variable");
    }
    rule.path("labels")
        .properties()
        .forEach(
            e -> {
              if (e.getValue().asText().contains("$")) {
                errors.add(
                    r + ": label " + e.getKey() + ": '$' is expanded as an environment variable");
              }
            });
    for (String annotation : List.of("summary", "description")) {
      String text = rule.path("annotations").path(annotation).asText();
      if (text.isBlank()) {
        errors.add(r + ": no " + annotation + " annotation");
      }
      if (text.contains("${")) {
        errors.add(r + ": '${' in the " + annotation + " is expanded as an environment variable");
      }
    }
    return errors;
  }

  private static void unknownKeys(
      String id, JsonNode node, Set<String> known, List<String> errors) {
    node.fieldNames()
        .forEachRemaining(
            k -> {
              if (!known.contains(k)) {
                errors.add(id + ": unknown key '" + k + "' (Grafana ignores it)");
              }
            });
  }

  /** A Prometheus-style duration ({@code 1m}, {@code 90s}, {@code 1h30m}), or null. */
  static Duration duration(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Matcher m = DURATION.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return null;
      }
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              });
      end = m.end();
    }
    return end == text.length() ? total : null;
  }
}
