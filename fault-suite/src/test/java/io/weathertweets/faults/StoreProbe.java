package io.weathertweets.faults;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.StoreReader;
import java.util.Map;
import org.redisson.api.RedissonClient;

/**
 * Reads one path's store (Redis for the Kafka path, Valkey for the RabbitMQ path) as the dashboards
 * would.
 */
final class StoreProbe implements AutoCloseable {
  private final String name;
  private final RedissonClient client;
  private final StoreReader reader;

  StoreProbe(String name, String url, String prefix) {
    this.name = name;
    // Lazy: the store may be down (that is the point of some scenarios) when the probe is made.
    this.client = StoreClients.create(url, true);
    this.reader = new StoreReader(client, new StoreLayout(prefix));
  }

  String name() {
    return name;
  }

  Tally tally() {
    Map<Municipality, Aggregate> allTime = reader.allTime();
    String total = reader.meta().get("tweets_total");
    return Tally.ofStore(allTime, total == null ? 0 : Long.parseLong(total));
  }

  /** All figures incl. min/max and averages, for the whole-run comparison. */
  Map<Municipality, Aggregate> allTime() {
    return reader.allTime();
  }

  @Override
  public void close() {
    client.shutdown();
  }
}
