package io.weathertweets.streams.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/** A topic with the serdes of its key and value, so that every reader and writer agrees on them. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

  Consumed<K, V> consumed() {
    return Consumed.with(keySerde, valueSerde);
  }

  Produced<K, V> produced() {
    return Produced.with(keySerde, valueSerde);
  }
}
