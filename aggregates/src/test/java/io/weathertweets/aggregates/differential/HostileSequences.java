package io.weathertweets.aggregates.differential;

import static org.awaitility.Awaitility.await;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.ReferenceModel;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.StoreReader;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.redisson.api.RedissonClient;

/**
 * The differential test of both paths against one plain reference model ({@link ReferenceModel}),
 * for any way of running the system (in one JVM, or as separate processes with faults in between):
 * seeded random sequences of tweets — out of order, late beyond grace, bursts on window edges,
 * exact retries, the same id in another municipality, the same (municipality, id) with other
 * figures, hostile timestamps the edge must refuse, and records stamped far ahead that bypassed the
 * edge and reach each broker directly — go through the real ingress (or the brokers), and the model
 * follows every tweet that was accepted. {@link #awaitStoresEqualModel} then requires every figure
 * of each store (all-time hashes, panel hashes, every window hash, every series entry) to equal the
 * model, and so each other.
 *
 * <p>Seeds: {@code -Dweather.model.seeds=<s1>,<s2>,...} replays exactly those sequences in that
 * order (state carries over from one sequence to the next, so the seeds of a run up to a failing
 * one reproduce it); {@code -Dweather.model.sequences=<n>} sets how many random ones run.
 *
 * <p>Not a production class: shared by the differential tests through the aggregates test-jar.
 */
public final class HostileSequences {
  public static final String SEEDS_PROPERTY = "weather.model.seeds";
  public static final String SEQUENCES_PROPERTY = "weather.model.sequences";

  private static final Municipality[] MUNICIPALITIES = Municipality.values();
  private static final Condition[] CONDITIONS = Condition.values();

  /** How the generator reaches the system under test. */
  public interface Edge {
    /** POSTs {@code json} to the ingress at {@code path}; the answer's status and body. */
    Answer post(String path, String json);

    /**
     * Publishes {@code tweet} (v1 protobuf) to both brokers directly, keyed / routed by {@code m},
     * as a producer that bypasses the edge would, and returns once both brokers have it.
     */
    void publishPastTheEdge(Municipality m, byte[] tweet);
  }

  /** An HTTP answer of the ingress. */
  public record Answer(int status, String body) {}

  /**
   * One store to compare with the model: its name in messages ("Redis (Kafka path)"), client and
   * layout.
   */
  public record Store(String name, RedissonClient client, StoreLayout layout) {}

  private final WindowSpec window;
  private final Edge edge;
  private final ReferenceModel model;
  private final List<String> accepted =
      new ArrayList<>(); // JSON bodies accepted, for exact retries
  private final List<String[]> identities =
      new ArrayList<>(); // {municipality, id} of counted tweets
  private final Map<String, Long> answers = new TreeMap<>();
  private long cursor;
  private int nextId;
  private long requests;
  private long tweetsPosted;
  private long bypassRecords;

  /**
   * @param sequences how many sequences this run sends: event times start far enough back that the
   *     cursor, which moves forward by at most 4 minutes per sequence, never passes the receiver's
   *     clock
   */
  public HostileSequences(WindowSpec window, Edge edge, int sequences) {
    this.window = window;
    this.edge = edge;
    this.model = new ReferenceModel(window);
    this.cursor = (System.currentTimeMillis() / 60_000 - Math.max(60, 4L * sequences)) * 60_000;
  }

  // ---- seeds ----

  /**
   * The seeds given with {@code -Dweather.model.seeds}, else {@code -Dweather.model.sequences} (or
   * {@code defaultCount}) consecutive seeds from a random base.
   */
  public static List<Long> seeds(int defaultCount) {
    String given = System.getProperty(SEEDS_PROPERTY);
    if (given != null && !given.isBlank()) {
      return Arrays.stream(given.split(",")).map(String::trim).map(Long::parseLong).toList();
    }
    int count = Integer.getInteger(SEQUENCES_PROPERTY, defaultCount);
    long base = new Random().nextLong();
    List<Long> seeds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      seeds.add(base + i);
    }
    return seeds;
  }

  /**
   * The failure of the sequence {@code seeds.get(index)}, with the option that replays the run up
   * to it.
   */
  public static AssertionError failure(
      List<Long> seeds, int index, String detail, Throwable cause) {
    String upTo =
        seeds.subList(0, index + 1).stream().map(String::valueOf).collect(Collectors.joining(","));
    return new AssertionError(
        "sequence "
            + (index + 1)
            + " of "
            + seeds.size()
            + ", seed "
            + seeds.get(index)
            + " (reproduce with -D"
            + SEEDS_PROPERTY
            + "="
            + upTo
            + "): "
            + detail,
        cause);
  }

  // ---- the generator ----

  /** How many operations a sequence of this {@code random} has: 20–40. */
  public static int operations(Random random) {
    return 20 + random.nextInt(21);
  }

  /**
   * Sends {@code operations} random operations, each followed by a move of the event-time cursor of
   * 0–6 s.
   */
  public void send(Random random, int operations) {
    for (int op = 0; op < operations; op++) {
      int dice = random.nextInt(100);
      if (dice < 55) {
        sendNew(random, randomMunicipality(random), "t" + nextId++, cursor + offset(random));
      } else if (dice < 65 && !accepted.isEmpty()) {
        // An exact retry of something accepted earlier: counts once.
        post("/api/tweet", accepted.get(random.nextInt(accepted.size())), 1, 202, "exact retry");
      } else if (dice < 72 && !identities.isEmpty()) {
        // A known id for another municipality: another tweet.
        String[] known = identities.get(random.nextInt(identities.size()));
        Municipality other =
            MUNICIPALITIES[
                (Municipality.parse(known[0]).orElseThrow().ordinal()
                        + 1
                        + random.nextInt(MUNICIPALITIES.length - 1))
                    % MUNICIPALITIES.length];
        sendNew(random, other, known[1], cursor + offset(random));
      } else if (dice < 77 && !identities.isEmpty()) {
        // A known (municipality, id) with other figures: a duplicate, changes nothing.
        String[] known = identities.get(random.nextInt(identities.size()));
        sendNew(
            random, Municipality.parse(known[0]).orElseThrow(), known[1], cursor + offset(random));
      } else if (dice < 82) {
        sendHostileTimestamp(random);
      } else if (dice < 89) {
        sendBatch(random);
      } else if (dice < 95) {
        // A burst on a window edge: the last millisecond of a window and the first of the next.
        long edgeMs = window.windowStart(cursor) + window.sizeMs();
        Municipality m = randomMunicipality(random);
        sendNew(random, m, "t" + nextId++, edgeMs - 1);
        sendNew(random, m, "t" + nextId++, edgeMs);
      } else {
        publishFutureRecordPastTheEdge(random);
      }
      cursor += random.nextInt(6_000);
    }
  }

  /**
   * A tweet a couple of minutes ahead of the clock: tolerated, it moves its municipality's stream
   * time there.
   */
  public void sendAheadOfTheClock(Random random) {
    sendNew(
        random, randomMunicipality(random), "t" + nextId++, System.currentTimeMillis() + 120_000);
  }

  /** Mostly near the cursor, sometimes minutes behind it: late beyond the 10 s grace. */
  private static long offset(Random random) {
    return random.nextInt(10) < 7 ? random.nextInt(20_000) - 15_000 : -random.nextInt(180_000);
  }

  private static Municipality randomMunicipality(Random random) {
    return MUNICIPALITIES[random.nextInt(MUNICIPALITIES.length)];
  }

  private void sendNew(Random random, Municipality m, String id, long eventMs) {
    int temperature = random.nextInt(111) - 50;
    int humidity = random.nextInt(101);
    Condition condition = CONDITIONS[random.nextInt(CONDITIONS.length)];
    String body = json(m, id, temperature, humidity, condition, eventMs);
    post("/api/tweet", body, 1, 202, "tweet");
    accepted.add(body);
    if (model.accept(m, id, temperature, humidity, condition, eventMs)
        != ReferenceModel.Outcome.DUPLICATE) {
      identities.add(new String[] {m.id(), id});
    }
  }

  private void sendBatch(Random random) {
    int size = 2 + random.nextInt(4);
    StringBuilder body = new StringBuilder("[");
    List<Runnable> toModel = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Municipality m = randomMunicipality(random);
      String id = "t" + nextId++;
      int temperature = random.nextInt(111) - 50;
      int humidity = random.nextInt(101);
      Condition condition = CONDITIONS[random.nextInt(CONDITIONS.length)];
      long eventMs = cursor + offset(random);
      body.append(i == 0 ? "" : ",").append(json(m, id, temperature, humidity, condition, eventMs));
      toModel.add(
          () -> {
            model.accept(m, id, temperature, humidity, condition, eventMs);
            identities.add(new String[] {m.id(), id});
          });
    }
    post("/api/tweets", body.append("]").toString(), size, 202, "batch");
    toModel.forEach(Runnable::run);
  }

  private void sendHostileTimestamp(Random random) {
    String timestamp =
        switch (random.nextInt(4)) {
          case 0 -> Long.toString(System.currentTimeMillis() + 2 * 3_600_000L);
          case 1 -> "\"9999-12-31T23:59:59Z\"";
          case 2 -> "\"1999-12-31T23:59:59Z\"";
          default -> Long.toString(Long.MAX_VALUE);
        };
    Answer answer =
        post(
            "/api/tweet",
            """
        {"id":"hostile-%d","municipality":"mixco","temperature":20,"humidity":50,"weather":"sunny","timestamp":%s}"""
                .formatted(nextId++, timestamp),
            1,
            400,
            "hostile timestamp " + timestamp);
    if (!answer.body().contains("timestamp")) {
      throw new AssertionError(
          "the 400 for timestamp " + timestamp + " does not name the field: " + answer.body());
    }
  }

  /**
   * A record stamped two hours ahead of its acceptance that reached each broker without the edge's
   * check (another producer, an older gateway): each consumer dead-letters it, and nothing else
   * moves.
   */
  private void publishFutureRecordPastTheEdge(Random random) {
    long now = System.currentTimeMillis();
    Municipality m = randomMunicipality(random);
    Tweet tweet =
        Tweet.newBuilder()
            .setId("bypass-" + nextId++)
            .setMunicipality(m.toProto())
            .setTemperature(20)
            .setHumidity(50)
            .setCondition(Condition.SUNNY.toProto())
            .setEventTimeMs(now + 2 * 3_600_000L)
            .setAcceptedAtMs(now)
            .build();
    edge.publishPastTheEdge(m, tweet.toByteArray());
    bypassRecords++;
  }

  private Answer post(String path, String body, int tweets, int expectedStatus, String what) {
    Answer answer = edge.post(path, body);
    requests++;
    tweetsPosted += tweets;
    answers.merge(Integer.toString(answer.status()), 1L, Long::sum);
    if (answer.status() != expectedStatus) {
      throw new AssertionError(
          "the ingress answered "
              + answer.status()
              + " instead of "
              + expectedStatus
              + " to a "
              + what
              + ": "
              + body
              + " -> "
              + answer.body());
    }
    return answer;
  }

  private static String json(
      Municipality m, String id, int temperature, int humidity, Condition condition, long eventMs) {
    return """
        {"id":"%s","municipality":"%s","temperature":%d,"humidity":%d,"weather":"%s","timestamp":%d}"""
        .formatted(id, m.id(), temperature, humidity, condition.id(), eventMs);
  }

  // ---- what was sent ----

  public ReferenceModel model() {
    return model;
  }

  /** HTTP requests sent to the ingress. */
  public long requests() {
    return requests;
  }

  /** Tweets in those requests: new ones, retries, duplicates and refused ones alike. */
  public long tweetsPosted() {
    return tweetsPosted;
  }

  /** Records stamped far ahead that were published to the brokers past the edge. */
  public long bypassRecords() {
    return bypassRecords;
  }

  /** Requests per HTTP status of the answer, in the order of the statuses. */
  public Map<String, Long> answers() {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(answers));
  }

  // ---- the comparison ----

  /**
   * Waits until every figure of every store equals the model and stays so for {@code stableFor};
   * returns how long that took (without {@code stableFor}). Otherwise throws an AssertionError
   * listing every figure that differs, per store.
   */
  public Duration awaitStoresEqualModel(Duration atMost, Duration stableFor, List<Store> stores) {
    long started = System.nanoTime();
    AtomicReference<List<String>> last = new AtomicReference<>(List.of());
    try {
      await(
              "every figure of "
                  + stores.stream().map(Store::name).collect(Collectors.joining(" and "))
                  + " equals the reference model")
          .atMost(atMost)
          .during(stableFor)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                List<String> differences = new ArrayList<>();
                stores.forEach(s -> differences.addAll(differences(s)));
                last.set(differences);
                return differences.isEmpty();
              });
    } catch (ConditionTimeoutException e) {
      List<String> differences = last.get();
      throw new AssertionError(
          (differences.isEmpty()
              ? "the stores did not stay equal to the model for " + stableFor
              : (differences.size() == 1
                      ? "1 figure differs"
                      : differences.size() + " figures differ")
                  + " from the model after "
                  + atMost.toSeconds()
                  + " s:\n  "
                  + differences.stream().limit(40).collect(Collectors.joining("\n  "))
                  + (differences.size() > 40
                      ? "\n  ... and " + (differences.size() - 40) + " more"
                      : "")),
          e);
    }
    return Duration.ofNanos(System.nanoTime() - started).minus(stableFor);
  }

  /**
   * Every figure of {@code store} that differs from the model, as "store figure: expected … but was
   * …".
   */
  public List<String> differences(Store store) {
    List<String> out = new ArrayList<>();
    try {
      StoreReader reader = new StoreReader(store.client(), store.layout());
      StoreLayout layout = store.layout();
      differ(
          out,
          store.name() + " tweets_total",
          Long.toString(model.tweetsTotal()),
          reader.meta().get("tweets_total"));
      differ(
          out,
          store.name() + " all-time figures of",
          figures(model.allTime()),
          figures(reader.allTime()));
      model
          .overview()
          .panelHashes(layout)
          .forEach(
              (key, fields) ->
                  differ(
                      out,
                      store.name() + " panel hash " + key + " field",
                      fields,
                      reader.hash(key)));
      for (Municipality m : MUNICIPALITIES) {
        Map<Long, Aggregate> expectedWindows = figures(model.windows(m));
        Set<Long> inStore =
            store
                .client()
                .getKeys()
                .getKeysStreamByPattern(layout.window(m, 0).replaceFirst("0$", "*"))
                .map(key -> Long.parseLong(key.substring(key.lastIndexOf(':') + 1)))
                .collect(Collectors.toCollection(TreeSet::new));
        Map<Long, Aggregate> windows = new TreeMap<>();
        inStore.forEach(start -> windows.put(start, reader.window(m, start).figures()));
        differ(out, store.name() + " window " + m.id() + "@", expectedWindows, windows);
        differ(
            out,
            store.name() + " series entry " + m.id() + "@",
            figures(model.closedWindows(m)),
            figures(reader.series(m)));
      }
    } catch (RuntimeException e) {
      out.add(store.name() + " not readable: " + e);
    }
    return out;
  }

  private static <K> Map<K, Aggregate> figures(Map<K, Aggregate> in) {
    Map<K, Aggregate> out = new TreeMap<>();
    in.forEach((k, a) -> out.put(k, a.figures()));
    return out;
  }

  /** One line per key whose value differs (absent on either side included). */
  private static <K, V> void differ(
      List<String> out, String what, Map<K, V> expected, Map<K, V> actual) {
    Set<K> keys = new TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    for (K k : keys) {
      differ(out, what + (what.endsWith("@") ? "" : " ") + k, expected.get(k), actual.get(k));
    }
  }

  private static void differ(List<String> out, String what, Object expected, Object actual) {
    if (!Objects.equals(expected, actual)) {
      out.add(
          what
              + ": expected "
              + (expected == null ? "nothing" : expected)
              + " but was "
              + (actual == null ? "nothing" : actual));
    }
  }
}
