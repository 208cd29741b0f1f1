package io.weathertweets.loadgen.verify;

import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.StoreReader;
import io.weathertweets.loadgen.report.PathResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.redisson.api.RedissonClient;

/**
 * Reads the store of each path before the run (baseline) and, after it, polls until each store accounts for
 * exactly the accepted tweets, or the timeout passes. kafka = the Kafka Streams path into Redis,
 * rabbit = the RabbitMQ path into Valkey.
 */
public final class StoreVerifier implements AutoCloseable {
  private static final long POLL_MS = 50;

  private final Map<String, Probe> probes = new LinkedHashMap<>();

  private record Probe(String url, RedissonClient client, StoreReader reader) {}

  /** @param storeUrlByPath path name → redis:// URL of its store, in report order */
  public StoreVerifier(Map<String, String> storeUrlByPath, String prefix) {
    storeUrlByPath.forEach((path, url) -> {
      RedissonClient client = StoreClients.create(url, false);
      probes.put(path, new Probe(url, client, new StoreReader(client, new StoreLayout(prefix))));
    });
  }

  public Map<String, StoreSnapshot> baseline() {
    Map<String, StoreSnapshot> result = new LinkedHashMap<>();
    probes.forEach((path, probe) -> result.put(path, StoreSnapshot.read(probe.reader())));
    return result;
  }

  /**
   * @param sendEndNanos {@link System#nanoTime()} when the last answer arrived; visibility is measured from it
   * @param expectedByMunicipality null to compare only the totals
   */
  public List<PathResult> await(Map<String, StoreSnapshot> baseline, long accepted,
      Map<Municipality, Long> expectedByMunicipality, Duration timeout, long sendEndNanos)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, PathResult> done = new LinkedHashMap<>();
    Map<String, PathResult> last = new LinkedHashMap<>();
    while (true) {
      for (Map.Entry<String, Probe> entry : probes.entrySet()) {
        String path = entry.getKey();
        if (done.containsKey(path)) {
          continue;
        }
        StoreSnapshot before = baseline.get(path);
        StoreSnapshot now = StoreSnapshot.read(entry.getValue().reader());
        List<String> problems = StoreSnapshot.problems(before, now, accepted, expectedByMunicipality);
        long elapsedMs = (System.nanoTime() - sendEndNanos) / 1_000_000;
        PathResult result = new PathResult(path, entry.getValue().url(), problems.isEmpty(),
            problems.isEmpty() ? elapsedMs : -1, now.tweetsTotal() - before.tweetsTotal(),
            now.countSum() - before.countSum(), problems);
        last.put(path, result);
        if (problems.isEmpty()) {
          done.put(path, result);
        }
      }
      if (done.size() == probes.size() || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(POLL_MS);
    }
    List<PathResult> results = new ArrayList<>();
    probes.keySet().forEach(path -> results.add(done.getOrDefault(path, last.get(path))));
    return results;
  }

  @Override
  public void close() {
    probes.values().forEach(p -> p.client().shutdown());
  }
}
