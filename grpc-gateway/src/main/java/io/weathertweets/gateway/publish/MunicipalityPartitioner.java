package io.weathertweets.gateway.publish;

import io.weathertweets.aggregates.Municipality;
import java.util.Map;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.utils.Utils;

/**
 * One municipality per partition (while the topic has at least as many partitions as there are
 * municipalities): Kafka Streams keeps stream time per partition, and the aggregates judge lateness
 * per municipality, as the RabbitMQ path does. With hashing, two municipalities could share a
 * partition, and one of them running ahead would make the other's tweets late on the Kafka path
 * only. Keys that are not a municipality are hashed as Kafka's default partitioner would.
 */
public final class MunicipalityPartitioner implements Partitioner {

  @Override
  public int partition(
      String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
    int partitions = cluster.partitionCountForTopic(topic);
    if (key instanceof String text) {
      var municipality = Municipality.parse(text);
      if (municipality.isPresent()) {
        return municipality.get().ordinal() % partitions;
      }
    }
    return keyBytes == null ? 0 : Utils.toPositive(Utils.murmur2(keyBytes)) % partitions;
  }

  @Override
  public void close() {}

  @Override
  public void configure(Map<String, ?> configs) {}
}
