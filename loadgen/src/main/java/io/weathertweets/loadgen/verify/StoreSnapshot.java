package io.weathertweets.loadgen.verify;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.StoreReader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The counts of one store at one moment: {@code meta.tweets_total} and the all-time count per
 * municipality.
 */
public record StoreSnapshot(long tweetsTotal, Map<Municipality, Long> counts) {

  public static StoreSnapshot read(StoreReader reader) {
    String total = reader.meta().get("tweets_total");
    Map<Municipality, Long> counts = new EnumMap<>(Municipality.class);
    for (Municipality m : Municipality.values()) {
      counts.put(m, Aggregate.fromFields(reader.hash(reader.layout().municipality(m))).count());
    }
    return new StoreSnapshot(
        total == null || total.isBlank() ? 0 : Long.parseLong(total.trim()), counts);
  }

  public long countSum() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * What keeps {@code now} from accounting for exactly the accepted tweets since {@code before};
   * empty when it does. Exact equality, not "at least": more than expected means someone else is
   * writing to the same prefix, and then this run proves nothing.
   *
   * @param expectedByMunicipality null to skip the per-municipality comparison
   */
  public static List<String> problems(
      StoreSnapshot before,
      StoreSnapshot now,
      long accepted,
      Map<Municipality, Long> expectedByMunicipality) {
    List<String> problems = new ArrayList<>();
    long totalDelta = now.tweetsTotal() - before.tweetsTotal();
    if (totalDelta != accepted) {
      problems.add("meta tweets_total grew by " + totalDelta + ", expected " + accepted);
    }
    long sumDelta = now.countSum() - before.countSum();
    if (sumDelta != accepted) {
      problems.add("sum of municipality counts grew by " + sumDelta + ", expected " + accepted);
    }
    if (expectedByMunicipality != null) {
      for (Municipality m : Municipality.values()) {
        long delta = now.counts().get(m) - before.counts().get(m);
        long expected = expectedByMunicipality.getOrDefault(m, 0L);
        if (delta != expected) {
          problems.add(m.id() + " count grew by " + delta + ", expected " + expected);
        }
      }
    }
    return problems;
  }
}
