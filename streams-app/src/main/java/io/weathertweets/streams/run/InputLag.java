package io.weathertweets.streams.run;

import io.weathertweets.streams.topology.Topics;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tweets in {@code weather-tweets} that the application has not yet processed and committed: the
 * end offsets minus the group's committed offsets, summed over partitions. The consumer's own lag
 * metric cannot tell this: a stream thread stuck on a record has already fetched the records behind
 * it. Asked of the broker at most every five seconds; -1 while the broker cannot be asked.
 */
final class InputLag implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InputLag.class);
  private static final long REFRESH_MS = 5_000;

  private final Admin admin;
  private final String groupId;
  private volatile long value = -1;
  private volatile long refreshedAtMs;

  InputLag(Map<String, Object> adminConfig, String groupId) {
    this.admin = Admin.create(adminConfig);
    this.groupId = groupId;
  }

  synchronized long get() {
    long now = System.currentTimeMillis();
    if (now - refreshedAtMs >= REFRESH_MS) {
      refreshedAtMs = now;
      value = ask();
    }
    return value;
  }

  private long ask() {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(groupId)
              .partitionsToOffsetAndMetadata()
              .get(3, TimeUnit.SECONDS);
      var partitions =
          admin
              .describeTopics(java.util.List.of(Topics.TWEETS.name()))
              .allTopicNames()
              .get(3, TimeUnit.SECONDS)
              .get(Topics.TWEETS.name())
              .partitions()
              .stream()
              .map(p -> new TopicPartition(Topics.TWEETS.name(), p.partition()))
              .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
      var ends = admin.listOffsets(partitions).all().get(3, TimeUnit.SECONDS);
      long lag = 0;
      for (var end : ends.entrySet()) {
        OffsetAndMetadata done = committed.get(end.getKey());
        lag += Math.max(0, end.getValue().offset() - (done == null ? 0 : done.offset()));
      }
      return lag;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.debug("Consumer lag of {} unavailable: {}", groupId, e.toString());
      return -1;
    }
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(2));
  }
}
