package io.weathertweets.aggregates;

import java.util.Locale;

/**
 * The two independent paths a tweet takes, each named once: its broker, its consumer and its store.
 * The {@link #id()} is what responses ({@code "paths": ["kafka", "rabbit"]}), meter tags ({@code
 * path="kafka"}) and the gateway's sink setting use; {@link #store()} names the store in {@code
 * /api/compare} and {@code /api/stores}.
 */
public enum TweetPath {
  KAFKA("Kafka path", "streams-app", "redis"),
  RABBIT("RabbitMQ path", "rabbit-bridge", "valkey");

  /**
   * The Kafka path's topic: the kafka gateway writes it, the streams-app reads it (key =
   * municipality id, value = v1 Tweet bytes). One name, not a setting of either side: a gateway
   * writing elsewhere would leave the streams-app counting nothing, and the Strimzi KafkaTopic and
   * the KafkaUsers' ACLs name it too.
   */
  public static final String KAFKA_TOPIC = "weather-tweets";

  /**
   * The RabbitMQ path's exchange, the default of {@code weather.rabbit.exchange} on both sides: the
   * rabbit gateway publishes to it, the rabbit-bridge binds its queue to it.
   */
  public static final String RABBIT_EXCHANGE = "weather.tweets";

  private final String title;
  private final String consumer;
  private final String store;

  TweetPath(String title, String consumer, String store) {
    this.title = title;
    this.consumer = consumer;
    this.store = store;
  }

  /** {@code kafka} or {@code rabbit}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** For people: "Kafka path", "RabbitMQ path". */
  public String title() {
    return title;
  }

  /** The service that consumes this path: {@code streams-app} or {@code rabbit-bridge}. */
  public String consumer() {
    return consumer;
  }

  /** The store this path's figures land in: {@code redis} or {@code valkey}. */
  public String store() {
    return store;
  }

  /** "Kafka path (streams-app)", the way health and stall messages name a path. */
  public String describe() {
    return title + " (" + consumer + ")";
  }
}
