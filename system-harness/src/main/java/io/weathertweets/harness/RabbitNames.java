package io.weathertweets.harness;

import java.util.List;
import java.util.Map;

/**
 * The exchange and queues the rabbit gateway and the bridge use (their {@code weather.rabbit.*}
 * settings). A run on a shared RabbitMQ takes names of its own, so that it neither reads another
 * run's tweets nor leaves its own behind.
 */
public record RabbitNames(
    String exchange, String queue, String deadLetterExchange, String deadLetterQueue) {

  /** The services' defaults: a broker of the system's own. */
  public static final RabbitNames DEFAULT =
      new RabbitNames(
          "weather.tweets",
          "weather.tweets.bridge",
          "weather.tweets.dlx",
          "weather.tweets.bridge.dlq");

  /**
   * {@code <run>.tweets}, {@code <run>.bridge}, {@code <run>.tweets.dlx} and {@code
   * <run>.bridge.dlq}.
   */
  public static RabbitNames of(String run) {
    return new RabbitNames(
        run + ".tweets", run + ".bridge", run + ".tweets.dlx", run + ".bridge.dlq");
  }

  /** The settings that give the rabbit gateway and the bridge these names. */
  public Map<String, String> settings() {
    return Map.of(
        "weather.rabbit.exchange", exchange,
        "weather.rabbit.queue", queue,
        "weather.rabbit.dead-letter-exchange", deadLetterExchange,
        "weather.rabbit.dead-letter-queue", deadLetterQueue);
  }

  public List<String> queues() {
    return List.of(queue, deadLetterQueue);
  }

  public List<String> exchanges() {
    return List.of(exchange, deadLetterExchange);
  }
}
