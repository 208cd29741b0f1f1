package io.weathertweets.loadgen.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The final report of a run; printed as text for people or as JSON ({@code --json}) for scripts.
 *
 * @param seed the generator's seed, null for an input file
 * @param tweetsPerRequest how many tweets one latency value stands for (1, the batch or the stream
 *     size)
 * @param verification one entry per verified path; empty without {@code --verify}
 */
public record Report(
    String mode,
    String target,
    Long seed,
    int concurrency,
    double targetRate,
    int tweetsPerRequest,
    long sent,
    long accepted,
    long rejected,
    Map<String, Long> rejectedBy,
    long failed,
    Map<String, Long> failedBy,
    Map<String, Long> acceptedByMunicipality,
    double elapsedSeconds,
    double tweetsPerSecond,
    Latency latency,
    List<PathResult> verification) {

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  public boolean verified() {
    return verification.stream().allMatch(PathResult::verified);
  }

  /**
   * FAILED when any path failed, else UNVERIFIED when any could not be checked, else PASS (also
   * without --verify).
   */
  public PathResult.Verdict verdict() {
    if (verification.stream().anyMatch(p -> p.verdict() == PathResult.Verdict.FAILED)) {
      return PathResult.Verdict.FAILED;
    }
    if (verification.stream().anyMatch(p -> p.verdict() == PathResult.Verdict.UNVERIFIED)) {
      return PathResult.Verdict.UNVERIFIED;
    }
    return PathResult.Verdict.PASS;
  }

  public String toJson() {
    return JSON.writeValueAsString(this);
  }

  public String toText() {
    StringBuilder text = new StringBuilder();
    line(
        text,
        "mode",
        "%s -> %s (concurrency %d, rate %s)%s",
        mode,
        target,
        concurrency,
        targetRate == 0 ? "unlimited" : fmt("%.0f/s", targetRate),
        seed == null ? "" : ", seed " + seed);
    line(
        text, "sent", "%d tweets in %.2f s = %.0f tweets/s", sent, elapsedSeconds, tweetsPerSecond);
    line(text, "accepted", "%d %s", accepted, acceptedByMunicipality);
    line(text, "rejected", "%d%s", rejected, byStatus(rejectedBy));
    line(text, "failed", "%d%s", failed, byStatus(failedBy));
    line(
        text,
        "latency",
        "p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  (%d requests of up to %d tweets)",
        latency.p50Ms(),
        latency.p90Ms(),
        latency.p99Ms(),
        latency.maxMs(),
        latency.requests(),
        tweetsPerRequest);
    for (PathResult path : verification) {
      switch (path.verdict()) {
        case PASS ->
            line(
                text,
                "verify " + path.path(),
                "ok: %s accounts for all %d accepted tweets %d ms after the last send",
                path.store(),
                accepted,
                path.visibleAfterMs());
        case FAILED ->
            line(
                text,
                "verify " + path.path(),
                "FAILED: %s tweets_total +%d, counts +%d of %d accepted; %s",
                path.store(),
                path.tweetsTotalDelta(),
                path.countSumDelta(),
                accepted,
                String.join("; ", path.problems()));
        case UNVERIFIED ->
            line(
                text,
                "verify " + path.path(),
                "UNVERIFIED: %s not checked: %s",
                path.store(),
                String.join("; ", path.problems()));
      }
    }
    return text.toString();
  }

  private static String byStatus(Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return "";
    }
    return counts.entrySet().stream()
        .map(e -> e.getKey() + ": " + e.getValue())
        .collect(Collectors.joining(", ", " (", ")"));
  }

  private static void line(StringBuilder text, String label, String format, Object... args) {
    text.append(String.format(Locale.ROOT, "%-14s ", label)).append(fmt(format, args)).append('\n');
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
