package io.weathertweets.faults;

import io.weathertweets.faults.HeapWatch.LivePoint;
import io.weathertweets.faults.HeapWatch.Phase;
import io.weathertweets.harness.ManagedProcess;
import io.weathertweets.harness.ProcessSystem;
import io.weathertweets.harness.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Twice the load the system sustains, to show that overload costs refusals, not memory. In one run:
 *
 * <ol>
 *   <li><b>Sustainable rate.</b> After 4 s of warm-up, a closed-loop ramp (4, 8, 16, 32, 64
 *       clients, 4 s each, batches of 10): each client sends its next batch when the previous one
 *       was answered. A step counts when every request was answered 202 and p99 latency stayed
 *       within 1 s; the ramp stops at the first step that does not count or that raises throughput
 *       by less than 10 %. The sustainable rate is the best throughput of a counting step.
 *   <li><b>Baseline.</b> 10 s open loop at the sustainable rate; then a forced full GC in every
 *       service.
 *   <li><b>Overload.</b> 30 s open loop at twice that rate: new batches on schedule however slowly
 *       the ingress answers. Refused batches are kept for later, so the load offered stays twice
 *       the sustainable rate instead of growing with the client's backlog. A forced full GC every 5
 *       s.
 *   <li><b>Drain and after.</b> Every refused batch is then resent with the same ids (never sooner
 *       than {@code Retry-After}, exponential backoff with jitter, at most {@value
 *       LoadDriver#DRAIN_CONNECTIONS} at a time) until answered 202: a 503 may come after one path
 *       took the batch, and only the resend makes both paths hold it. Once both stores hold the
 *       accepted tweets, a last forced full GC.
 * </ol>
 *
 * <p>The heap is judged by its <em>live</em> size (used right after a forced full collection): with
 * a generational collector the used heap between collections is mostly garbage and peaks near -Xmx
 * without any leak, so only the live size tells retained from not yet collected. Per service: it
 * answered every liveness probe but never {@value HeapWatch#UNHEALTHY_AFTER} in a row, and is the
 * same process as at the start; the live heap stayed at most half its -Xmx (room for the young
 * generation and promotion); over the last third of the overload it did not rise above the highest
 * value of the first two thirds by more than 10 % of -Xmx (bounded queues fill early and then stay
 * full: memory that keeps growing is unbounded); and once the load is over it is back within 10 %
 * of -Xmx of the baseline. Every request of the ramp and the baseline gets an HTTP answer; under
 * the overload, connection attempts beyond the ingress's connection bound and the kernel's accept
 * queue may time out instead (reported with the answers, resent like a 503).
 */
final class OverloadScenario implements AutoCloseable {
  static final int BATCH = 10;
  static final int[] RAMP_CLIENTS = {4, 8, 16, 32, 64};
  static final Duration RAMP_STEP = Duration.ofSeconds(4);
  static final long RAMP_MAX_P99_MS = 1000;
  static final double RAMP_MIN_GAIN = 1.10;
  static final Duration BASELINE = Duration.ofSeconds(10);
  static final Duration OVERLOAD = Duration.ofSeconds(30);
  static final Duration LIVE_HEAP_EVERY = Duration.ofSeconds(5);
  static final double MAX_LIVE_SHARE = 0.5;
  static final double GROWTH_TOLERANCE_SHARE = 0.10;
  private static final long MIB = 1024 * 1024;

  /** One step of the closed-loop ramp. */
  record Step(
      int clients, long tweetsPerSecond, long p99Ms, Map<String, Long> answers, boolean counts) {}

  /** One service's heap over the scenario (bytes; -1 when not measured). */
  record ServiceHeap(
      Service service,
      int xmxMiB,
      long baselinePeakUsed,
      long baselineLive,
      long overloadPeakUsed,
      long drainPeakUsed,
      long liveFirstTwoThirds,
      long liveLastThird,
      long afterLive,
      int probesFailed,
      int mostFailedInARow,
      boolean samePid,
      List<String> problems) {}

  /** What the report shows of the scenario. */
  record Result(
      List<Step> ramp,
      long sustainableRate,
      int overloadRate,
      long baselineP99Ms,
      Map<String, Long> baselineAnswers,
      long overloadP99Ms,
      Map<String, Long> overloadAnswers,
      long overloadSent,
      long ingressInFlightPeak,
      Duration drain,
      List<ServiceHeap> heaps,
      boolean passed) {}

  private final ProcessSystem system;
  private final LoadDriver driver;
  private final HeapWatch watch;
  private final List<LoadDriver.Run> runs = new ArrayList<>();
  private final List<Step> ramp = new ArrayList<>();
  private long sustainable;
  private LoadDriver.Run baseline;
  private LoadDriver.Run overload;
  private Duration drain = Duration.ZERO;
  private final Map<Service, String> died = new java.util.EnumMap<>(Service.class);

  OverloadScenario(ProcessSystem system, LoadDriver driver) {
    this.system = system;
    this.driver = driver;
    this.watch = new HeapWatch(system);
  }

  int overloadRate() {
    return (int) (2 * sustainable);
  }

  /**
   * Ramp, baseline, overload and drain; every load this produced (the tweets to find in both
   * stores).
   */
  List<LoadDriver.Run> drive(List<String> problems) throws InterruptedException {
    findSustainableRate(problems);
    if (sustainable == 0) {
      return runs;
    }
    watch.phase(Phase.BASELINE);
    baseline =
        driver.start(
            "overload-baseline",
            (int) sustainable,
            BATCH,
            BASELINE,
            LoadDriver.Backoff.AFTER_THE_LOAD);
    runs.add(baseline);
    settle(baseline, problems);
    watch.recordLiveHeap();

    watch.phase(Phase.OVERLOAD);
    long start = System.nanoTime();
    overload =
        driver.start(
            "overload-2x", overloadRate(), BATCH, OVERLOAD, LoadDriver.Backoff.AFTER_THE_LOAD);
    runs.add(overload);
    for (long at = LIVE_HEAP_EVERY.toNanos();
        at <= OVERLOAD.toNanos();
        at += LIVE_HEAP_EVERY.toNanos()) {
      long wait = start + at - System.nanoTime();
      if (wait > 0) {
        // Deliberate measurement cadence: a live-heap point every 5 s of the overload, whatever the
        // load does.
        Thread.sleep(wait / 1_000_000);
      }
      watch.recordLiveHeap();
    }
    watch.phase(Phase.DRAIN);
    // A service the overload killed fails the scenario; it is started again so that the resent
    // batches can still be accepted and checked in both stores, and so the suite goes on within its
    // time.
    for (Service s : Service.values()) {
      for (int attempt = 1; attempt <= 3 && !system.process(s).isAlive(); attempt++) {
        String restarts = "; after restart " + (attempt - 1) + ": ";
        died.merge(s, lastWords(system.process(s)), (a, b) -> a + restarts + b);
        try {
          system.restart(s);
        } catch (RuntimeException | AssertionError e) {
          // Died again while starting (the resent batches arrive at once): try again, a bounded
          // number of times.
        }
      }
    }
    long drainStart = System.nanoTime();
    settle(overload, problems);
    drain = Duration.ofNanos(System.nanoTime() - drainStart);
    watch.recordLiveHeap();
    return runs;
  }

  private void findSustainableRate(List<String> problems) {
    // Not measured: the first requests of a freshly started system pay for connections and
    // compilation.
    LoadDriver.Run warmUp =
        driver.closedLoop("overload-warm-up", RAMP_CLIENTS[1], BATCH, RAMP_STEP);
    runs.add(warmUp);
    settle(warmUp, problems);
    long best = 0;
    for (int clients : RAMP_CLIENTS) {
      long t = System.nanoTime();
      LoadDriver.Run step =
          driver.closedLoop("overload-ramp-" + clients, clients, BATCH, RAMP_STEP);
      runs.add(step);
      settle(step, problems);
      double seconds = (System.nanoTime() - t) / 1e9;
      long rate = Math.round(step.accepted.size() / seconds);
      long p99 = step.latencyQuantileMs(0.99);
      Map<String, Long> answers = step.outcomeCounts();
      boolean counts = answers.keySet().equals(java.util.Set.of("202")) && p99 <= RAMP_MAX_P99_MS;
      ramp.add(new Step(clients, rate, p99, answers, counts));
      System.out.printf(
          "Fault suite: overload ramp %d clients: %d tweets/s, p99 %d ms, answers %s%n",
          clients, rate, p99, answers);
      if (!counts) {
        break;
      }
      boolean gained = rate >= best * RAMP_MIN_GAIN;
      best = Math.max(best, rate);
      if (!gained) {
        break;
      }
    }
    sustainable = best / BATCH * BATCH;
    if (sustainable == 0) {
      problems.add(
          "no step of the closed-loop ramp was answered 202 throughout within "
              + RAMP_MAX_P99_MS
              + " ms p99: "
              + ramp);
    }
  }

  private static void settle(LoadDriver.Run run, List<String> problems) {
    try {
      run.awaitSettled(run.duration.plus(LoadDriver.GIVE_UP_AFTER).plusSeconds(30));
    } catch (TimeoutException e) {
      problems.add(run.scenario + ": the client's batches did not settle in time");
    }
  }

  /**
   * Once both stores hold every accepted tweet: the live heap after the load, and the verdict per
   * service.
   */
  Result finish(List<String> problems) {
    watch.phase(Phase.AFTER);
    if (sustainable > 0) {
      watch.recordLiveHeap();
    }
    List<ServiceHeap> heaps = new ArrayList<>();
    for (Service s : Service.values()) {
      heaps.add(judge(s));
    }
    heaps.forEach(h -> problems.addAll(h.problems()));
    // Up to the sustainable rate every request gets an HTTP answer (202, or 503/429 to retry).
    // Under the overload, connections beyond Tomcat's max-connections and the kernel's accept queue
    // may time out before any HTTP exchange: that is the last bounded queue pushing back, counted
    // in the report's answers and resent like a 503; it never loses or doubles a tweet, which the
    // store checks decide.
    Map<String, Long> noAnswer = new java.util.TreeMap<>();
    runs.stream()
        .filter(r -> r != overload)
        .forEach(
            r ->
                r.outcomeCounts()
                    .forEach(
                        (k, v) -> {
                          if (k.startsWith("io:")) {
                            noAnswer.merge(k, v, Long::sum);
                          }
                        }));
    if (!noAnswer.isEmpty()) {
      problems.add(
          "requests without an HTTP answer (refused or broken connections, timeouts): " + noAnswer);
    }
    if (died.isEmpty()) {
      // Errors of a watch on a process that died are that death again, already reported.
      watch.samplingErrors().forEach(e -> problems.add("heap watch: " + e));
    }
    return new Result(
        List.copyOf(ramp),
        sustainable,
        overloadRate(),
        baseline == null ? 0 : baseline.latencyQuantileMs(0.99),
        baseline == null ? Map.of() : baseline.outcomeCounts(),
        overload == null ? 0 : overload.latencyQuantileMs(0.99),
        overload == null ? Map.of() : overload.firstAttemptCounts(),
        overload == null ? 0 : overload.sent.size(),
        Math.max(watch.peakIngressInFlight(Phase.OVERLOAD), watch.peakIngressInFlight(Phase.DRAIN)),
        drain,
        heaps,
        problems.isEmpty());
  }

  private ServiceHeap judge(Service s) {
    int xmxMiB = system.setup().heapMiB(s);
    long xmx = xmxMiB * MIB;
    long tolerance = (long) (GROWTH_TOLERANCE_SHARE * xmx);
    List<String> problems = new ArrayList<>();
    List<LivePoint> during = watch.live(s, Phase.OVERLOAD);
    int split = (int) Math.ceil(during.size() * 2 / 3.0);
    long firstTwoThirds = max(during.subList(0, Math.min(split, during.size())));
    long lastThird = max(during.subList(Math.min(split, during.size()), during.size()));
    long baselineLive = max(watch.live(s, Phase.BASELINE));
    long drainLive = max(watch.live(s, Phase.DRAIN));
    long afterLive = max(watch.live(s, Phase.AFTER));
    long peakLive = Math.max(Math.max(firstTwoThirds, lastThird), drainLive);

    if (died.containsKey(s) || !watch.samePid(s)) {
      problems.add(
          s.id
              + " died under the overload"
              + (died.containsKey(s) ? " (" + died.get(s) + ")" : "")
              + "; log in target/fault-logs/");
    } else if (watch.mostFailedInARow(s) >= HeapWatch.UNHEALTHY_AFTER) {
      problems.add(
          s.id
              + " was unhealthy: "
              + watch.mostFailedInARow(s)
              + " liveness probes failed in a row");
    }
    if (!problems.isEmpty()) {
      // A dead or restarted process has no heap series to judge.
    } else if (during.size() < 3 || baselineLive < 0 || afterLive < 0) {
      problems.add(
          s.id
              + ": live heap not measured often enough ("
              + during.size()
              + " points under overload)");
    } else {
      if (peakLive > MAX_LIVE_SHARE * xmx) {
        problems.add(
            String.format(
                java.util.Locale.ROOT,
                "%s: live heap %d MiB under overload, more than half its" + " -Xmx%dm",
                s.id,
                peakLive / MIB,
                xmxMiB));
      }
      if (lastThird > firstTwoThirds + tolerance) {
        problems.add(
            String.format(
                java.util.Locale.ROOT,
                "%s: live heap kept growing under overload: %d MiB in the"
                    + " last third after at most %d MiB before",
                s.id,
                lastThird / MIB,
                firstTwoThirds / MIB));
      }
      if (afterLive > baselineLive + tolerance) {
        problems.add(
            String.format(
                java.util.Locale.ROOT,
                "%s: live heap %d MiB after the load, baseline %d MiB:"
                    + " the overload left memory behind",
                s.id,
                afterLive / MIB,
                baselineLive / MIB));
      }
    }
    return new ServiceHeap(
        s,
        xmxMiB,
        watch.peakUsed(s, Phase.BASELINE),
        baselineLive,
        watch.peakUsed(s, Phase.OVERLOAD),
        watch.peakUsed(s, Phase.DRAIN),
        firstTwoThirds,
        lastThird,
        afterLive,
        watch.probesFailed(s),
        watch.mostFailedInARow(s),
        watch.samePid(s),
        problems);
  }

  /**
   * The JVM's last line about why it ended (e.g. {@code -XX:+ExitOnOutOfMemoryError}'s), if it left
   * one.
   */
  private static String lastWords(ManagedProcess p) {
    List<String> lines =
        p.tail(20)
            .lines()
            .filter(l -> l.contains("Terminating") || l.contains("OutOfMemoryError"))
            .toList();
    return lines.isEmpty() ? "no reason in its log" : lines.getLast().trim();
  }

  private static long max(List<LivePoint> points) {
    return points.stream().mapToLong(LivePoint::bytes).max().orElse(-1);
  }

  @Override
  public void close() {
    watch.close();
  }
}
