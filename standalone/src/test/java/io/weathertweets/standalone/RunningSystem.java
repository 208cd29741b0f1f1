package io.weathertweets.standalone;

import io.weathertweets.embedded.LocalServers;
import io.weathertweets.harness.RabbitNames;
import io.weathertweets.standalone.infra.InfrastructurePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.redisson.api.RedissonClient;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * The whole system for one test class: embedded Kafka on free ports, the real RabbitMQ, Redis and
 * Valkey of this machine, and every service on free ports, isolated by a key prefix and
 * exchange/queue names of its own.
 */
final class RunningSystem implements AutoCloseable {
  final String run = UUID.randomUUID().toString().substring(0, 8);
  final String prefix = "e2e-" + run;
  final RabbitNames rabbitNames = RabbitNames.of("e2e." + run);
  final Standalone standalone;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * Against the RabbitMQ at {@code rabbitUri} and the test Redis and Valkey ({@link LocalServers}).
   */
  RunningSystem(Path dataDir, String rabbitUri) throws IOException {
    this(dataDir, rabbitUri, Map.of());
  }

  /**
   * @param extraSettings properties given to every service beyond those that isolate this run
   */
  RunningSystem(Path dataDir, String rabbitUri, Map<String, String> extraSettings)
      throws IOException {
    this(
        dataDir,
        Map.of(
            "RABBITMQ_URI", rabbitUri,
            "REDIS_URL", LocalServers.redisUrl(),
            "VALKEY_URL", LocalServers.valkeyUrl()),
        extraSettings);
  }

  /** Everything embedded, as on a machine with only a JDK. */
  static RunningSystem embedded(Path dataDir) throws IOException {
    return new RunningSystem(dataDir, Map.of(), Map.of());
  }

  private RunningSystem(Path dataDir, Map<String, String> env, Map<String, String> extraSettings)
      throws IOException {
    Map<String, String> settings =
        new java.util.HashMap<>(
            Map.of("weather.store.prefix", prefix, "weather.ingress.forward-deadline", "10s"));
    settings.putAll(extraSettings);
    if (env.containsKey("RABBITMQ_URI")) {
      // A shared broker: names of this run only. (The embedded broker is fresh and pre-configured
      // with the default names.)
      settings.putAll(rabbitNames.settings());
    }
    standalone =
        Standalone.start(dataDir, env, InfrastructurePorts.free(), ServicePorts.free(), settings);
  }

  String kafkaBootstrapServers() {
    return standalone.infrastructure().kafkaBootstrapServers();
  }

  String ingressUrl(String path) {
    return "http://127.0.0.1:" + standalone.ports().ingress() + path;
  }

  HttpResponse<String> post(String path, String json) {
    return send(
        HttpRequest.newBuilder(URI.create(ingressUrl(path)))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(ingressUrl(path))).GET());
  }

  /** A GET on another service's HTTP port, e.g. its actuator. */
  HttpResponse<String> get(int port, String path) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    standalone.close();
  }

  /**
   * Stops the system, then deletes the queues, exchanges and store keys of this run from the shared
   * servers.
   */
  void closeAndDeleteRun(RabbitAdmin admin, RedissonClient... stores) {
    close();
    rabbitNames.queues().forEach(admin::deleteQueue);
    rabbitNames.exchanges().forEach(admin::deleteExchange);
    for (RedissonClient store : stores) {
      store.getKeys().deleteByPattern(prefix + ":*");
    }
  }
}
