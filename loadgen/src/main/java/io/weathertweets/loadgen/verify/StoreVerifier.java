package io.weathertweets.loadgen.verify;

import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.loadgen.report.PathResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Takes a baseline of each path's figures before the run, once the stores are quiet, and, after it,
 * polls until each store accounts for exactly the accepted tweets, or the timeout passes. kafka =
 * the Kafka Streams path into Redis, rabbit = the RabbitMQ path into Valkey.
 *
 * <p>A path whose store does not become quiet within the timeout is not compared at all: it ends
 * UNVERIFIED, never FAILED, since any difference could be the earlier work still landing rather
 * than this run's tweets.
 */
public final class StoreVerifier implements AutoCloseable {
  /**
   * How long figures must stay unchanged to count as quiet: above the paths' commit interval (0.5
   * s).
   */
  static final Duration QUIET = Duration.ofSeconds(1);

  private static final long BASELINE_POLL_MS = 200;
  private static final long POLL_MS = 50;

  private final FigureSource source;

  /**
   * @param paths every path, in report order
   * @param figures the baseline of every path that was quiet
   * @param unverified why each other path had no quiet baseline
   */
  public record Baseline(
      List<TweetPath> paths,
      Map<TweetPath, StoreSnapshot> figures,
      Map<TweetPath, String> unverified) {}

  public StoreVerifier(FigureSource source) {
    this.source = source;
  }

  /**
   * Reads the figures until every path is quiet ({@link Quietness}), at most {@code timeout} (at
   * least one quiet period). Says on {@code err} when it has to wait, and why it gave up.
   */
  public Baseline baseline(Duration timeout, PrintStream err) throws InterruptedException {
    long start = System.nanoTime();
    long deadline =
        start + Math.max(timeout.toNanos(), QUIET.toNanos() + 2 * BASELINE_POLL_MS * 1_000_000);
    Quietness quietness = new Quietness(QUIET.toNanos(), start);
    boolean announced = false;
    while (true) {
      Map<TweetPath, Reading> readings = source.read();
      long now = System.nanoTime();
      quietness.observe(now, readings);
      if (quietness.allQuiet(now)) {
        if (announced) {
          err.printf(
              Locale.ROOT,
              "loadgen: verify: the stores are quiet after %.1f s; baseline taken%n",
              (now - start) / 1e9);
        }
        Map<TweetPath, StoreSnapshot> figures = new LinkedHashMap<>();
        readings.keySet().forEach(path -> figures.put(path, quietness.figures(path)));
        return new Baseline(List.copyOf(readings.keySet()), figures, Map.of());
      }
      if (now >= deadline) {
        Map<TweetPath, StoreSnapshot> figures = new LinkedHashMap<>();
        Map<TweetPath, String> unverified = new LinkedHashMap<>();
        for (TweetPath path : readings.keySet()) {
          if (quietness.quiet(path, now)) {
            figures.put(path, quietness.figures(path));
          } else {
            String why = "could not take a quiet baseline: " + quietness.whyNot(path, now, true);
            unverified.put(path, why);
            err.println(
                "loadgen: verify: "
                    + why
                    + ". Its tweets are sent but not checked (UNVERIFIED); "
                    + "wait until the path has caught up, or raise --verify-timeout.");
          }
        }
        return new Baseline(List.copyOf(readings.keySet()), figures, unverified);
      }
      if (!announced && now - start >= QUIET.toNanos()) {
        announced = true;
        List<String> why =
            quietness.notQuiet(now).stream()
                .map(path -> quietness.whyNot(path, now, false))
                .toList();
        err.printf(
            Locale.ROOT,
            "loadgen: verify: waiting up to %d s for a quiet baseline: %s%n",
            Math.round((deadline - start) / 1e9),
            String.join("; ", why));
      }
      Thread.sleep(BASELINE_POLL_MS);
    }
  }

  /**
   * @param sendEndNanos {@link System#nanoTime()} when the last answer arrived; visibility is
   *     measured from it
   * @param expectedByMunicipality null to compare only the totals
   */
  public List<PathResult> await(
      Baseline baseline,
      long accepted,
      Map<Municipality, Long> expectedByMunicipality,
      Duration timeout,
      long sendEndNanos)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TweetPath, PathResult> done = new LinkedHashMap<>();
    Map<TweetPath, PathResult> last = new LinkedHashMap<>();
    baseline
        .unverified()
        .forEach(
            (path, why) ->
                done.put(path, PathResult.unverified(path.id(), source.describe(path), why)));
    List<TweetPath> paths = baseline.paths();
    while (done.size() < paths.size()) {
      Map<TweetPath, Reading> readings = source.read();
      for (Map.Entry<TweetPath, StoreSnapshot> entry : baseline.figures().entrySet()) {
        TweetPath path = entry.getKey();
        if (done.containsKey(path)) {
          continue;
        }
        PathResult result =
            compare(
                path,
                entry.getValue(),
                readings.get(path),
                accepted,
                expectedByMunicipality,
                (System.nanoTime() - sendEndNanos) / 1_000_000);
        last.put(path, result);
        if (result.verified()) {
          done.put(path, result);
        }
      }
      if (done.size() == paths.size() || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(POLL_MS);
    }
    List<PathResult> results = new ArrayList<>();
    paths.forEach(path -> results.add(done.getOrDefault(path, last.get(path))));
    return results;
  }

  private PathResult compare(
      TweetPath path,
      StoreSnapshot before,
      Reading now,
      long accepted,
      Map<Municipality, Long> expectedByMunicipality,
      long elapsedMs) {
    if (now == null || !now.readable()) {
      return new PathResult(
          path.id(),
          source.describe(path),
          false,
          -1,
          0,
          0,
          List.of("the store could not be read: " + (now == null ? "no answer" : now.error())));
    }
    List<String> problems =
        StoreSnapshot.problems(before, now.figures(), accepted, expectedByMunicipality);
    return new PathResult(
        path.id(),
        source.describe(path),
        problems.isEmpty(),
        problems.isEmpty() ? elapsedMs : -1,
        now.figures().tweetsTotal() - before.tweetsTotal(),
        now.figures().countSum() - before.countSum(),
        problems);
  }

  @Override
  public void close() {
    source.close();
  }
}
