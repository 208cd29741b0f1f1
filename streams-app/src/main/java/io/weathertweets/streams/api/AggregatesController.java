package io.weathertweets.streams.api;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.streams.topology.Tally;
import io.weathertweets.streams.topology.WeatherTopology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Interactive queries of this instance's state stores: the same figures as the Redis hashes,
 * straight from Kafka Streams. With several instances each one answers for the partitions it owns.
 */
@RestController
@RequestMapping("/api/aggregates")
class AggregatesController {
  private static final int MAX_WINDOWS = 60;

  private final StreamsBuilderFactoryBean factoryBean;

  AggregatesController(StreamsBuilderFactoryBean factoryBean) {
    this.factoryBean = factoryBean;
  }

  /** All-time aggregates of every municipality with tweets: municipality → hash fields. */
  @GetMapping
  Map<String, Map<String, String>> all() {
    Map<String, Map<String, String>> result = new LinkedHashMap<>();
    try (KeyValueIterator<String, Tally> it = allTimeStore().all()) {
      it.forEachRemaining(kv -> result.put(kv.key, kv.value.aggregate().toFields()));
    }
    return result;
  }

  /** One municipality: its all-time aggregate and its most recent windows (newest first). */
  @GetMapping("/{municipality}")
  Map<String, Object> one(@PathVariable String municipality) {
    Municipality m =
        Municipality.parse(municipality)
            .orElseThrow(
                () ->
                    new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "unknown municipality " + municipality));
    Tally tally = allTimeStore().get(m.id());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("municipality", m.id());
    result.put("all_time", (tally == null ? Aggregate.EMPTY : tally.aggregate()).toFields());
    List<Map<String, Object>> windows = new ArrayList<>();
    ReadOnlyWindowStore<String, Aggregate> store =
        store(
            StoreQueryParameters.fromNameAndType(
                WeatherTopology.windowStore(), QueryableStoreTypes.windowStore()));
    try (KeyValueIterator<Windowed<String>, Aggregate> it =
        store.backwardFetch(
            m.id(), m.id(), Instant.EPOCH, Instant.now().plusSeconds(366L * 24 * 3600))) {
      while (it.hasNext() && windows.size() < MAX_WINDOWS) {
        KeyValue<Windowed<String>, Aggregate> kv = it.next();
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("window_start_ms", kv.key.window().start());
        w.put("window_end_ms", kv.key.window().end());
        w.put("fields", kv.value.toFields());
        windows.add(w);
      }
    }
    result.put("windows", windows);
    return result;
  }

  @ExceptionHandler(InvalidStateStoreException.class)
  void notQueryable(InvalidStateStoreException e) {
    throw new ResponseStatusException(
        HttpStatus.SERVICE_UNAVAILABLE,
        "state stores are not queryable right now (starting or rebalancing); retry shortly",
        e);
  }

  private ReadOnlyKeyValueStore<String, Tally> allTimeStore() {
    return store(
        StoreQueryParameters.fromNameAndType(
            WeatherTopology.allTimeStore(), QueryableStoreTypes.keyValueStore()));
  }

  private <T> T store(StoreQueryParameters<T> parameters) {
    KafkaStreams streams = factoryBean.getKafkaStreams();
    if (streams == null) {
      throw new ResponseStatusException(
          HttpStatus.SERVICE_UNAVAILABLE, "Kafka Streams is not started yet");
    }
    return streams.store(parameters);
  }
}
