package io.weathertweets.loadgen.verify;

import io.weathertweets.aggregates.ConsumerReport;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.StoreReader;
import io.weathertweets.aggregates.TweetPath;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.redisson.api.RedissonClient;

/**
 * The figures read from the stores themselves (gRPC modes, or store URLs given): {@code
 * meta.tweets_total}, the municipality counts, and the consumer's own report of its lag that each
 * path writes into its store.
 */
public final class DirectFigures implements FigureSource {
  private final Map<TweetPath, Probe> probes = new LinkedHashMap<>();

  private record Probe(String url, RedissonClient client, StoreReader reader) {}

  /**
   * @param storeUrlByPath path → redis:// URL of its store, in report order
   */
  public DirectFigures(Map<TweetPath, String> storeUrlByPath, String prefix) {
    storeUrlByPath.forEach(
        (path, url) -> {
          RedissonClient client = StoreClients.create(url, false);
          probes.put(
              path, new Probe(url, client, new StoreReader(client, new StoreLayout(prefix))));
        });
  }

  @Override
  public Map<TweetPath, Reading> read() {
    Map<TweetPath, Reading> readings = new LinkedHashMap<>();
    probes.forEach((path, probe) -> readings.put(path, read(probe.reader())));
    return readings;
  }

  private static Reading read(StoreReader reader) {
    try {
      StoreSnapshot figures = StoreSnapshot.read(reader);
      Optional<ConsumerReport> report = reader.consumerReport();
      Long lag = report.map(ConsumerReport::lag).filter(l -> l >= 0).orElse(null);
      String stalled = report.map(ConsumerReport::stalled).filter(s -> !s.isEmpty()).orElse(null);
      return Reading.of(figures, lag, stalled);
    } catch (RuntimeException e) {
      return Reading.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  @Override
  public String describe(TweetPath path) {
    return StoreClients.redact(probes.get(path).url());
  }

  @Override
  public void close() {
    probes.values().forEach(p -> p.client().shutdown());
  }
}
