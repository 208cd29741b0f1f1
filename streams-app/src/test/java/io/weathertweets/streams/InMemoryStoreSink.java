package io.weathertweets.streams;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import io.weathertweets.streams.topology.StoreSink;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store as the topology last left it, for driver tests; series keeps the same replay guard as
 * Redis.
 */
public final class InMemoryStoreSink implements StoreSink {
  public final Map<Municipality, Aggregate> allTime = new EnumMap<>(Municipality.class);
  public final Map<String, Aggregate> windows = new TreeMap<>();
  public final Map<Municipality, LinkedHashMap<Long, Aggregate>> series =
      new EnumMap<>(Municipality.class);
  public final List<Overview> overviews = new ArrayList<>();

  @Override
  public synchronized void writeAllTime(Municipality m, Aggregate aggregate) {
    allTime.put(m, aggregate);
  }

  @Override
  public synchronized void writeOverview(Overview overview) {
    overviews.add(overview);
  }

  @Override
  public synchronized void writeWindow(Municipality m, long windowStartMs, Aggregate aggregate) {
    windows.put(m.id() + ":" + windowStartMs, aggregate);
  }

  @Override
  public synchronized void appendSeries(Municipality m, long windowStartMs, Aggregate aggregate) {
    LinkedHashMap<Long, Aggregate> entries = series.computeIfAbsent(m, k -> new LinkedHashMap<>());
    long last = entries.keySet().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
    if (windowStartMs > last) {
      entries.put(windowStartMs, aggregate);
    }
  }

  public synchronized Overview lastOverview() {
    return overviews.isEmpty() ? Overview.empty() : overviews.get(overviews.size() - 1);
  }

  public synchronized Aggregate window(Municipality m, long windowStartMs) {
    return windows.get(m.id() + ":" + windowStartMs);
  }
}
