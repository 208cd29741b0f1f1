package io.weathertweets.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.differential.HostileSequences;
import io.weathertweets.harness.ProcessSystem;
import io.weathertweets.harness.Service;
import io.weathertweets.harness.ServiceJars;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every accepted tweet is counted exactly once on both paths, whatever single part of the system
 * fails under load. One system (five service JVMs, a Kafka broker, a RabbitMQ node, redis-server,
 * valkey-server) serves every scenario in turn; each scenario sends its own tweets (unique ids),
 * injects one fault in the middle of the load, lets the retrying client finish, and compares the
 * change in both stores with the tweets answered 202.
 *
 * <p>The first scenario, on the still empty stores, is the differential model test with faults
 * ({@link DifferentialUnderFaults}): every figure of both stores, windows and series included,
 * against the reference model. The later scenarios compare changes of the all-time figures only, so
 * what it leaves in the stores does not disturb them; the whole-run check adds its tweets to the
 * expected figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {
  static final int RATE = 100;
  static final int BATCH = 10;
  static final Duration SHORT_LOAD = Duration.ofSeconds(14);
  static final Duration OUTAGE_LOAD = Duration.ofSeconds(30);
  static final Duration OUTAGE = Duration.ofSeconds(20);
  static final Duration CONVERGENCE = Duration.ofSeconds(120);

  /**
   * How long a path may still be catching up once the client has every answer, after a single
   * fault. Each fault is over before the load is (restarts after 3 s, outages of 20 s within 30 s
   * of load), so a path still behind this long after it stalled: the streams-app waiting out a dead
   * member's 45 s session converged 36 s after the load here, with its 10 s session in a few.
   */
  static final Duration CAUGHT_UP_WITHIN = Duration.ofSeconds(25);

  /**
   * After the counts match they must stay so: a late replay would show up as a double count here.
   */
  static final Duration STABLE_FOR = Duration.ofSeconds(3);

  private final List<ScenarioResult> results = new ArrayList<>();
  private OverloadScenario.Result overload;
  private DifferentialUnderFaults.Result differential;
  private final Map<String, LoadDriver.SentTweet> everAccepted = new HashMap<>();
  private final long suiteStart = System.nanoTime();
  private Duration startupTime = Duration.ZERO;
  private Path repoRoot;
  private ProcessSystem system;
  private StoreProbe redis;
  private StoreProbe valkey;
  private LoadDriver driver;

  @FunctionalInterface
  interface Fault {
    void inject(ProcessSystem system) throws Exception;
  }

  @BeforeAll
  void startSystem() {
    repoRoot = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
    Path work = Path.of(System.getProperty("faults.work", "target")).toAbsolutePath();
    String runId = Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36);
    system =
        new ProcessSystem(
            ProcessSystem.Setup.durable(
                ServiceJars.resolve(repoRoot),
                work.resolve("fault-data").resolve(runId),
                work.resolve("fault-logs"),
                "fault-" + runId));
    long t = System.nanoTime();
    system.start();
    startupTime = Duration.ofNanos(System.nanoTime() - t);
    System.out.println(
        "Fault suite: system up in " + startupTime.toMillis() + " ms, prefix " + system.prefix());
    redis = new StoreProbe("Redis", system.redisUrl(), system.prefix());
    valkey = new StoreProbe("Valkey", system.valkeyUrl(), system.prefix());
    driver = new LoadDriver(system.ingress(), 20261123L);
  }

  @AfterAll
  void writeReportAndStop() throws Exception {
    try {
      if (!results.isEmpty()) {
        ReliabilityReport.write(
            repoRoot.resolve("docs/reliability.md"),
            results,
            overload,
            differential,
            Duration.ofNanos(System.nanoTime() - suiteStart),
            startupTime);
      }
    } finally {
      for (AutoCloseable c : new AutoCloseable[] {driver, redis, valkey, system}) {
        if (c != null) {
          try {
            c.close();
          } catch (Exception e) {
            System.err.println("Cleanup of " + c + " failed: " + e);
          }
        }
      }
    }
  }

  // ---- hostile sequences against the reference model, with restarts, wipes and store flaps in
  // between ----

  /**
   * Seeded sequences of hostile tweets (out of order, late beyond grace, ahead of the clock, exact
   * retries, known ids, bursts on window edges) with the streams app, the bridge, Redis and Valkey
   * restarted, killed, wiped or flapped between chunks: afterwards every figure of both stores
   * equals the reference model. First, so that the stores hold exactly what the model holds.
   */
  @Test
  @Order(0)
  void
      shouldKeepEveryFigureOfBothStoresEqualToTheReferenceModelThroughRestartsWipesAndStoreFlaps() {
    String name = "differential model under faults";
    Before before = before();
    differential = new DifferentialUnderFaults(system).run();
    HostileSequences sent = differential.sent();
    Tally kafka = safeTally(redis).minus(before.redis());
    Tally rabbit = safeTally(valkey).minus(before.valkey());
    List<DifferentialUnderFaults.Sequence> sequences = differential.sequences();
    long faults = differential.faults();
    String faultText =
        String.format(
            java.util.Locale.ROOT,
            "%d faults between chunks of %d sequences, each started,"
                + " a chunk sent while it lasts, ended: %s (per sequence below)",
            faults,
            sequences.size(),
            differential.kinds());
    String loadNote =
        String.format(
            java.util.Locale.ROOT,
            "%d hostile operations one after the other: %d tweets in"
                + " %d requests (new, exact retries, known ids, same identity with other figures, batches, window-edge"
                + " bursts, timestamps refused with 400), %d records 2 h ahead published past the edge",
            sequences.stream().mapToLong(DifferentialUnderFaults.Sequence::operations).sum(),
            sent.tweetsPosted(),
            sent.requests(),
            sent.bypassRecords());
    // The slowest sequence; none when one never converged.
    Duration convergence =
        sequences.isEmpty() || sequences.stream().anyMatch(q -> q.convergence() == null)
            ? null
            : sequences.stream()
                .map(DifferentialUnderFaults.Sequence::convergence)
                .max(Duration::compareTo)
                .orElseThrow();
    Duration wallTime = Duration.ofNanos(System.nanoTime() - before.started());
    // Accepted: the distinct tweets the model counted (exact retries, duplicates and refusals are
    // in the answers).
    ScenarioResult result =
        new ScenarioResult(
            name,
            faultText,
            0,
            BATCH,
            wallTime,
            sent.tweetsPosted(),
            sent.requests(),
            0,
            sent.answers(),
            sent.model().tweetsTotal(),
            kafka.count(),
            kafka.tweetsTotal(),
            rabbit.count(),
            rabbit.tweetsTotal(),
            duplicates(Service.STREAMS, before.dupKafka(), before.streamsPid()),
            duplicates(Service.BRIDGE, before.dupRabbit(), before.bridgePid()),
            wallTime,
            convergence,
            differential.problems(),
            loadNote);
    results.add(result);
    System.out.printf(
        "Fault suite: %s: %d sequences, %d faults, %d tweets counted by the model, Redis %d, Valkey %d,"
            + " %s%n",
        name,
        sequences.size(),
        faults,
        result.accepted(),
        result.kafkaCounted(),
        result.rabbitCounted(),
        result.passed() ? "PASS" : "FAIL " + result.problems());
    check(result);
  }

  // ---- kill -9 of each service, restarted a few seconds later ----

  @Test
  @Order(1)
  void shouldCountEveryAcceptedTweetOnceWhenTheKafkaGatewayIsKilled() throws Exception {
    check(
        scenario(
            "kill -9 kafka gateway",
            "kill -9, restarted after 3 s",
            SHORT_LOAD,
            s -> killAndRestart(s, Service.KAFKA_GATEWAY)));
  }

  @Test
  @Order(2)
  void shouldCountEveryAcceptedTweetOnceWhenTheRabbitGatewayIsKilled() throws Exception {
    check(
        scenario(
            "kill -9 rabbit gateway",
            "kill -9, restarted after 3 s",
            SHORT_LOAD,
            s -> killAndRestart(s, Service.RABBIT_GATEWAY)));
  }

  @Test
  @Order(3)
  void shouldCountEveryAcceptedTweetOnceWhenTheStreamsAppIsKilled() throws Exception {
    check(
        scenario(
            "kill -9 streams app",
            "kill -9, restarted after 3 s",
            SHORT_LOAD,
            s -> killAndRestart(s, Service.STREAMS)));
  }

  @Test
  @Order(4)
  void shouldCountEveryAcceptedTweetOnceWhenTheRabbitBridgeIsKilled() throws Exception {
    check(
        scenario(
            "kill -9 rabbit bridge",
            "kill -9, restarted after 3 s",
            SHORT_LOAD,
            s -> killAndRestart(s, Service.BRIDGE)));
  }

  @Test
  @Order(5)
  void shouldCountEveryAcceptedTweetOnceWhenTheIngressIsKilled() throws Exception {
    check(
        scenario(
            "kill -9 ingress",
            "kill -9, restarted after 3 s",
            SHORT_LOAD,
            s -> killAndRestart(s, Service.INGRESS)));
  }

  @Test
  @Order(6)
  void shouldRestoreFromTheChangelogWhenTheStreamsStateDirectoryIsWiped() throws Exception {
    check(
        scenario(
            "streams app state wipe",
            "stopped, state directory deleted, restarted",
            SHORT_LOAD,
            s -> {
              s.stop(Service.STREAMS);
              s.wipeStreamsState();
              s.restart(Service.STREAMS);
            }));
  }

  // ---- each broker and store down for a while under load ----

  @Test
  @Order(7)
  void shouldCountEveryAcceptedTweetOnceWhenRedisIsDownForAWhile() throws Exception {
    check(
        scenario(
            "Redis down",
            "redis-server kill -9, restarted after " + OUTAGE.toSeconds() + " s (AOF)",
            OUTAGE_LOAD,
            s -> {
              s.killRedis();
              outage();
              s.startRedis();
            }));
  }

  @Test
  @Order(8)
  void shouldCountEveryAcceptedTweetOnceWhenValkeyIsDownForAWhile() throws Exception {
    check(
        scenario(
            "Valkey down",
            "valkey-server kill -9, restarted after " + OUTAGE.toSeconds() + " s (AOF)",
            OUTAGE_LOAD,
            s -> {
              s.killValkey();
              outage();
              s.startValkey();
            }));
  }

  @Test
  @Order(9)
  void shouldCountEveryAcceptedTweetOnceWhenRabbitMqIsDownForAWhile() throws Exception {
    check(
        scenario(
            "RabbitMQ down",
            "node stopped (rabbitmqctl stop), started again after " + OUTAGE.toSeconds() + " s",
            OUTAGE_LOAD,
            s -> {
              s.stopRabbit();
              outage();
              s.startRabbit();
            }));
  }

  @Test
  @Order(10)
  void shouldCountEveryAcceptedTweetOnceWhenTheKafkaBrokerIsDownForAWhile() throws Exception {
    check(
        scenario(
            "Kafka broker down",
            "broker JVM kill -9, restarted on its data after " + OUTAGE.toSeconds() + " s",
            OUTAGE_LOAD,
            s -> {
              s.killKafka();
              outage();
              s.startKafka();
            }));
  }

  // ---- twice the sustainable load: refusals, not memory ----

  /**
   * The system under twice the load it sustains stays alive, keeps its heap bounded and still
   * counts every tweet it accepted exactly once; the sustainable rate is measured in the same run
   * (see {@link OverloadScenario}).
   */
  @Test
  @Order(11)
  void shouldStayAliveWithBoundedHeapsAndCountEveryAcceptedTweetOnceUnderTwiceTheSustainableLoad()
      throws Exception {
    String name = "overload: 2× the sustainable rate";
    Before before = before();
    List<String> problems = new ArrayList<>();
    try (OverloadScenario scenario = new OverloadScenario(system, driver)) {
      List<LoadDriver.Run> runs = scenario.drive(problems);
      Counted counted = converge(name, runs, before, problems);
      overload = scenario.finish(problems);
      String loadNote =
          String.format(
              java.util.Locale.ROOT,
              "%d tweets in all: closed-loop ramp, %d s at the"
                  + " sustainable %d/s, %d s at %d/s (batches of %d); %d requests (%d retries)",
              runs.stream().mapToLong(r -> r.sent.size()).sum(),
              OverloadScenario.BASELINE.toSeconds(),
              overload.sustainableRate(),
              OverloadScenario.OVERLOAD.toSeconds(),
              overload.overloadRate(),
              BATCH,
              runs.stream().mapToLong(r -> r.requests.get()).sum(),
              runs.stream().mapToLong(r -> r.retries.get()).sum());
      check(
          record(
              name,
              "none: open-loop load at twice the rate measured as sustainable; heaps watched",
              overload.overloadRate(),
              OverloadScenario.OVERLOAD,
              loadNote,
              runs,
              before,
              counted,
              problems));
    }
  }

  /**
   * Across the whole run, both stores hold exactly the aggregates of every tweet ever accepted,
   * min/max too.
   */
  @Test
  @Order(12)
  void shouldHoldExactlyTheAggregatesOfEveryAcceptedTweetAfterAllFaults() {
    Map<Municipality, Aggregate> expected = new EnumMap<>(Municipality.class);
    everAccepted
        .values()
        .forEach(
            t ->
                expected.merge(
                    t.municipality(),
                    Aggregate.EMPTY.plus(t.temperature(), t.humidity(), t.condition(), 0),
                    (a, b) -> merge(a, b)));
    long differentialCounted = 0;
    if (differential != null) {
      differential
          .sent()
          .model()
          .allTime()
          .forEach((m, a) -> expected.merge(m, a.figures(), (x, y) -> merge(x, y)));
      differentialCounted = differential.sent().model().tweetsTotal();
    }
    Map<Municipality, Aggregate> onRedis = figures(redis.allTime());
    Map<Municipality, Aggregate> onValkey = figures(valkey.allTime());
    List<String> problems = new ArrayList<>();
    if (!onRedis.equals(expected)) {
      problems.add(
          "Redis all-time figures differ from the accepted tweets: " + onRedis + " vs " + expected);
    }
    if (!onValkey.equals(expected)) {
      problems.add(
          "Valkey all-time figures differ from the accepted tweets: "
              + onValkey
              + " vs "
              + expected);
    }
    long sent = results.stream().mapToLong(ScenarioResult::sent).sum();
    Map<String, Long> answers = new java.util.TreeMap<>();
    results.forEach(r -> r.answers().forEach((k, v) -> answers.merge(k, v, Long::sum)));
    // Rate 0 marks the summary row: its figures are totals over the scenarios, not one load.
    results.add(
        new ScenarioResult(
            "whole run (all-time figures incl. min/max)",
            "all of the above, one after the" + " other",
            0,
            BATCH,
            Duration.ofNanos(System.nanoTime() - suiteStart),
            sent,
            results.stream().mapToLong(ScenarioResult::requests).sum(),
            results.stream().mapToLong(ScenarioResult::retries).sum(),
            answers,
            everAccepted.size() + differentialCounted,
            onRedis.values().stream().mapToLong(Aggregate::count).sum(),
            redis.tally().tweetsTotal(),
            onValkey.values().stream().mapToLong(Aggregate::count).sum(),
            valkey.tally().tweetsTotal(),
            -1,
            -1,
            Duration.ZERO,
            Duration.ZERO,
            problems,
            null));
    assertThat(problems).as("whole-run comparison incl. min/max").isEmpty();
  }

  // ---- the scenario itself ----

  private void killAndRestart(ProcessSystem s, Service service) throws InterruptedException {
    s.kill9(service);
    // Deliberate: the service stays dead for a moment under load before it comes back.
    Thread.sleep(3000);
    s.restart(service);
  }

  private static void outage() throws InterruptedException {
    // Deliberate fault duration.
    Thread.sleep(OUTAGE.toMillis());
  }

  private void check(ScenarioResult result) {
    assertThat(result.problems())
        .as(result.scenario() + ": nothing lost, nothing twice, only clear refusals")
        .isEmpty();
  }

  private ScenarioResult scenario(String name, String faultText, Duration load, Fault fault)
      throws Exception {
    Before before = before();
    String id = name.replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(java.util.Locale.ROOT);
    LoadDriver.Run run = driver.start(id, RATE, BATCH, load);
    List<String> problems = new ArrayList<>();
    // The fault hits a system that is demonstrably taking load.
    await(name + ": load flows before the fault")
        .atMost(Duration.ofSeconds(30))
        .until(() -> run.accepted.size() >= RATE * 3);
    try {
      fault.inject(system);
    } catch (Exception | AssertionError e) {
      problems.add("fault injection or recovery failed: " + e.getMessage());
    }
    try {
      run.awaitSettled(load.plus(LoadDriver.GIVE_UP_AFTER).plusSeconds(30));
    } catch (TimeoutException e) {
      problems.add("the client's batches did not settle in time");
    }
    Counted counted = converge(name, List.of(run), before, problems);
    if (counted.convergence() != null && counted.convergence().compareTo(CAUGHT_UP_WITHIN) > 0) {
      problems.add(
          "a path caught up "
              + counted.convergence().toSeconds()
              + " s after the client's last answer, beyond "
              + CAUGHT_UP_WITHIN.toSeconds()
              + " s: it stalled after the fault (see fault-logs/)");
    }
    return record(name, faultText, RATE, load, null, List.of(run), before, counted, problems);
  }

  /**
   * What the stores and counters showed before a scenario's load, to compare the change with its
   * tweets.
   */
  private record Before(
      long started,
      Tally redis,
      Tally valkey,
      double dupKafka,
      double dupRabbit,
      long streamsPid,
      long bridgePid) {}

  /**
   * What each path counted over a scenario, and how long it took to match the accepted tweets
   * (null: never).
   */
  private record Counted(
      List<LoadDriver.SentTweet> accepted, Tally kafka, Tally rabbit, Duration convergence) {}

  private Before before() {
    long started = System.nanoTime();
    healIfNeeded();
    return new Before(
        started,
        redis.tally(),
        valkey.tally(),
        system.counter(Service.STREAMS, "weather_tweets_duplicates_total"),
        system.counter(Service.BRIDGE, "weather_tweets_duplicates_total"),
        system.process(Service.STREAMS).pid(),
        system.process(Service.BRIDGE).pid());
  }

  /**
   * Waits until the change in both stores equals the tweets the runs got accepted, and stays so;
   * records any difference, a tweet the client gave up on, an unclear refusal or a process left
   * down as a problem.
   */
  private Counted converge(
      String name, List<LoadDriver.Run> runs, Before before, List<String> problems) {
    List<LoadDriver.SentTweet> accepted =
        runs.stream().flatMap(r -> r.acceptedTweets().stream()).toList();
    accepted.forEach(t -> everAccepted.put(t.id(), t));
    Tally expected = Tally.of(accepted);

    long convergeStart = System.nanoTime();
    Duration convergence = null;
    try {
      await(name + ": both stores count the accepted tweets")
          .atMost(CONVERGENCE)
          .during(STABLE_FOR)
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () ->
                  redis.tally().minus(before.redis()).equals(expected)
                      && valkey.tally().minus(before.valkey()).equals(expected));
      convergence = Duration.ofNanos(System.nanoTime() - convergeStart).minus(STABLE_FOR);
    } catch (ConditionTimeoutException e) {
      // Reported below with the figures.
    }
    Tally kafka = safeTally(redis).minus(before.redis());
    Tally rabbit = safeTally(valkey).minus(before.valkey());
    compare("Kafka path (Redis)", kafka, expected, problems);
    compare("RabbitMQ path (Valkey)", rabbit, expected, problems);
    long gaveUp = runs.stream().mapToLong(r -> r.gaveUp.size()).sum();
    if (gaveUp > 0) {
      problems.add(
          gaveUp
              + " tweets never got a 202 within "
              + LoadDriver.GIVE_UP_AFTER.toSeconds()
              + " s of retries");
    }
    List<String> unclear = runs.stream().flatMap(r -> r.unclearAnswers.stream()).toList();
    if (!unclear.isEmpty()) {
      problems.add("refusals other than 503/429: " + unclear);
    }
    List<String> down = system.notRunning();
    if (!down.isEmpty()) {
      problems.add("not running after the scenario: " + down);
    }
    return new Counted(accepted, kafka, rabbit, convergence);
  }

  private ScenarioResult record(
      String name,
      String faultText,
      int rate,
      Duration load,
      String loadNote,
      List<LoadDriver.Run> runs,
      Before before,
      Counted counted,
      List<String> problems) {
    double dupKafka = duplicates(Service.STREAMS, before.dupKafka(), before.streamsPid());
    double dupRabbit = duplicates(Service.BRIDGE, before.dupRabbit(), before.bridgePid());
    Map<String, Long> answers = new java.util.TreeMap<>();
    runs.forEach(r -> r.outcomeCounts().forEach((k, v) -> answers.merge(k, v, Long::sum)));
    ScenarioResult result =
        new ScenarioResult(
            name,
            faultText,
            rate,
            BATCH,
            load,
            runs.stream().mapToLong(r -> r.sent.size()).sum(),
            runs.stream().mapToLong(r -> r.requests.get()).sum(),
            runs.stream().mapToLong(r -> r.retries.get()).sum(),
            answers,
            counted.accepted().size(),
            counted.kafka().count(),
            counted.kafka().tweetsTotal(),
            counted.rabbit().count(),
            counted.rabbit().tweetsTotal(),
            dupKafka,
            dupRabbit,
            Duration.ofNanos(System.nanoTime() - before.started()),
            counted.convergence(),
            problems,
            loadNote);
    results.add(result);
    System.out.printf(
        "Fault suite: %s: sent %d, accepted %d, Kafka path %d, RabbitMQ path %d, answers %s, %s%n",
        name,
        result.sent(),
        result.accepted(),
        result.kafkaCounted(),
        result.rabbitCounted(),
        result.answers(),
        result.passed() ? "PASS" : "FAIL " + problems);
    return result;
  }

  private static Tally safeTally(StoreProbe probe) {
    try {
      return probe.tally();
    } catch (RuntimeException e) {
      return Tally.EMPTY;
    }
  }

  private static void compare(String path, Tally actual, Tally expected, List<String> problems) {
    long missing = expected.count() - actual.count();
    if (missing > 0) {
      problems.add(
          path
              + ": "
              + missing
              + " accepted tweets missing (counted "
              + actual.count()
              + " of "
              + expected.count()
              + ")");
    } else if (missing < 0) {
      problems.add(
          path
              + ": "
              + (-missing)
              + " tweets counted twice or never accepted (counted "
              + actual.count()
              + ", accepted "
              + expected.count()
              + ")");
    } else if (!actual.perMunicipality().equals(expected.perMunicipality())) {
      problems.add(
          path
              + ": count matches but per-municipality figures differ: "
              + actual.perMunicipality()
              + " vs "
              + expected.perMunicipality());
    }
    if (actual.tweetsTotal() != expected.tweetsTotal()) {
      problems.add(
          path
              + ": meta tweets_total grew by "
              + actual.tweetsTotal()
              + ", accepted "
              + expected.tweetsTotal());
    }
  }

  private double duplicates(Service s, double before, long pidBefore) {
    double now = system.counter(s, "weather_tweets_duplicates_total");
    return system.process(s).pid() == pidBefore ? now - before : now;
  }

  /** A scenario that failed to restart something must not take the following ones down with it. */
  private void healIfNeeded() {
    for (String name : system.notRunning()) {
      System.out.println("Fault suite: restarting " + name + " left down by the previous scenario");
      switch (name) {
        case "kafka" -> system.startKafka();
        case "redis" -> system.startRedis();
        case "valkey" -> system.startValkey();
        case "rabbitmq" -> system.startRabbit();
        default -> {
          for (Service s : Service.values()) {
            if (s.id.equals(name)) {
              system.restart(s);
            }
          }
        }
      }
    }
  }

  private static Map<Municipality, Aggregate> figures(Map<Municipality, Aggregate> in) {
    Map<Municipality, Aggregate> out = new EnumMap<>(Municipality.class);
    in.forEach((m, a) -> out.put(m, a.figures()));
    return out;
  }

  private static Aggregate merge(Aggregate a, Aggregate b) {
    return new Aggregate(
        a.count() + b.count(),
        a.temperatureSum() + b.temperatureSum(),
        Math.min(a.temperatureMin(), b.temperatureMin()),
        Math.max(a.temperatureMax(), b.temperatureMax()),
        a.humiditySum() + b.humiditySum(),
        a.sunny() + b.sunny(),
        a.cloudy() + b.cloudy(),
        a.rainy() + b.rainy(),
        a.foggy() + b.foggy(),
        0);
  }
}
