package io.weathertweets.ingress.compare;

import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.PathSemantics;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.ingress.compare.Comparison.Difference;
import io.weathertweets.ingress.compare.Comparison.PathSummary;
import io.weathertweets.ingress.compare.Comparison.Verdict;
import io.weathertweets.ingress.compare.Comparison.WindowComparison;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads both stores and lists every figure that differs. Fields that legitimately differ between
 * the paths ({@code updated_at}, and in meta everything but {@code tweets_total}) are not compared.
 * When the consumers report different semantics (their {@link PathSemantics} in the consumer
 * report) the verdict says so instead of calling the figures different.
 */
class CompareService {
  private final StoreReaders readers;

  CompareService(StoreReaders readers) {
    this.readers = readers;
  }

  Comparison compare(Long windowStart) {
    long now = System.currentTimeMillis();
    PerStore<Read> reads =
        readers.all().map((path, reader) -> Read.of(path.store(), () -> readers.read(reader, now)));
    Read r = reads.redis();
    Read v = reads.valkey();
    if (r.snapshot == null || v.snapshot == null) {
      return new Comparison(
          Verdict.UNAVAILABLE,
          (r.snapshot != null
                  ? v.store
                  : v.snapshot != null ? r.store : r.store + " and " + v.store)
              + " cannot be read",
          System.currentTimeMillis(),
          r.summary(),
          v.summary(),
          List.of(),
          Map.of(),
          null);
    }
    List<Difference> differences = new ArrayList<>();
    Map<String, PerStore<Map<String, String>>> municipalities = new LinkedHashMap<>();
    for (Municipality m : Municipality.values()) {
      PerStore<Map<String, String>> fields =
          reads.map((path, read) -> withoutUpdatedAt(read.snapshot.municipalities().get(m.id())));
      if (fields.redis().isEmpty() && fields.valkey().isEmpty()) {
        continue;
      }
      municipalities.put(m.id(), fields);
      diff("municipality:" + m.id(), fields, differences);
    }
    r.snapshot
        .panels()
        .forEach((key, rf) -> diff(key, rf, v.snapshot.panels().get(key), differences));
    diff(
        "meta",
        pick(r.snapshot.meta(), "tweets_total"),
        pick(v.snapshot.meta(), "tweets_total"),
        differences);

    WindowComparison window = null;
    if (windowStart != null) {
      List<Difference> windowDifferences = new ArrayList<>();
      Map<String, PerStore<Map<String, String>>> windows = new LinkedHashMap<>();
      for (Municipality m : Municipality.values()) {
        PerStore<Map<String, String>> fields =
            readers
                .all()
                .map(
                    (path, reader) ->
                        withoutUpdatedAt(reader.hash(reader.layout().window(m, windowStart))));
        if (fields.redis().isEmpty() && fields.valkey().isEmpty()) {
          continue;
        }
        windows.put(m.id(), fields);
        diff("window:" + m.id() + ":" + windowStart, fields, windowDifferences);
      }
      window = new WindowComparison(windowStart, windows, windowDifferences);
      differences.addAll(windowDifferences);
    }
    List<String> configs = configDifferences(r.snapshot, v.snapshot);
    Verdict verdict;
    String message;
    if (!configs.isEmpty()) {
      // Figures of paths that count differently may differ for that reason alone: the setting
      // leads, and the count of differing figures stays in view (all-time figures do not depend
      // on the window).
      verdict = Verdict.CONFIGS_DIFFER;
      message =
          "configs differ: "
              + String.join(", ", configs)
              + " ("
              + TweetPath.KAFKA.title()
              + " vs "
              + TweetPath.RABBIT.title()
              + "); "
              + figuresDiffer(differences.size());
    } else if (differences.isEmpty()) {
      verdict = Verdict.EQUAL;
      message = "the paths agree";
    } else {
      verdict = Verdict.DIFFERENT;
      message = figuresDiffer(differences.size());
    }
    return new Comparison(
        verdict,
        message,
        System.currentTimeMillis(),
        r.summary(),
        v.summary(),
        differences,
        municipalities,
        window);
  }

  private static String figuresDiffer(int n) {
    return n + (n == 1 ? " figure differs" : " figures differ");
  }

  /**
   * Where the semantics the two consumers report differ ({@link PathSemantics#differences}); empty
   * when they agree or either has not reported them.
   */
  private static List<String> configDifferences(StoreSnapshot redis, StoreSnapshot valkey) {
    PathSemantics a = redis.consumer() == null ? null : redis.consumer().semantics();
    PathSemantics b = valkey.consumer() == null ? null : valkey.consumer().semantics();
    return a == null || b == null ? List.of() : a.differences(b);
  }

  private static void diff(
      String key, PerStore<Map<String, String>> fields, List<Difference> into) {
    diff(key, fields.redis(), fields.valkey(), into);
  }

  private static void diff(
      String key, Map<String, String> redis, Map<String, String> valkey, List<Difference> into) {
    Map<String, String> rf = redis == null ? Map.of() : redis;
    Map<String, String> vf = valkey == null ? Map.of() : valkey;
    TreeSet<String> fields = new TreeSet<>(rf.keySet());
    fields.addAll(vf.keySet());
    for (String field : fields) {
      String a = rf.get(field);
      String b = vf.get(field);
      if (a == null ? b != null : !a.equals(b)) {
        into.add(new Difference(key, field, a, b));
      }
    }
  }

  private static Map<String, String> withoutUpdatedAt(Map<String, String> fields) {
    if (fields == null) {
      return Map.of();
    }
    Map<String, String> copy = new LinkedHashMap<>(fields);
    copy.remove("updated_at");
    return copy;
  }

  private static Map<String, String> pick(Map<String, String> fields, String field) {
    String value = fields.get(field);
    return value == null ? Map.of() : Map.of(field, value);
  }

  /** One store read, or the reason it could not be read. */
  private record Read(String store, StoreSnapshot snapshot, String error) {
    static Read of(String store, java.util.function.Supplier<StoreSnapshot> read) {
      try {
        return new Read(store, read.get(), null);
      } catch (RuntimeException e) {
        return new Read(store, null, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }

    PathSummary summary() {
      if (snapshot == null) {
        return new PathSummary(store, false, error, null, null, null, null, null);
      }
      Map<String, String> meta = snapshot.meta();
      return new PathSummary(
          store,
          true,
          null,
          asLong(meta.get("tweets_total")),
          asLong(meta.get("last_event_at")),
          asDouble(meta.get("e2e_p50_ms")),
          asDouble(meta.get("e2e_p99_ms")),
          snapshot.consumer());
    }
  }

  private static Long asLong(String value) {
    try {
      return value == null ? null : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Double asDouble(String value) {
    try {
      return value == null ? null : Double.parseDouble(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
