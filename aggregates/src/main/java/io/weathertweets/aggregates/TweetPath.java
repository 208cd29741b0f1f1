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
