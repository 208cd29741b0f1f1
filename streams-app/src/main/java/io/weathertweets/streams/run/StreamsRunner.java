package io.weathertweets.streams.run;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.aggregates.ConsumerReporter;
import io.weathertweets.aggregates.Meters;
import io.weathertweets.aggregates.PathSemantics;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.streams.store.RedisStoreSink;
import io.weathertweets.streams.topology.PipelineMetrics;
import io.weathertweets.streams.topology.Topics;
import io.weathertweets.streams.topology.WeatherTopology;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.KStream;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.streams.KafkaStreamsMicrometerListener;

/**
 * Owns the running Kafka Streams instance (through Spring's StreamsBuilderFactoryBean): its
 * configuration, the Redis sink, the uncaught-exception policy, metrics and shutdown. The topology
 * itself is {@link WeatherTopology}, a pure function.
 */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
class StreamsRunner {
  private static final Logger log = LoggerFactory.getLogger(StreamsRunner.class);

  @Bean
  PipelineMetrics pipelineMetrics(MeterRegistry registry, WeatherProperties properties) {
    return new PipelineMetrics(registry, properties.health().stallAfter());
  }

  @Bean(destroyMethod = "shutdown")
  RedissonClient storeRedisson(WeatherProperties properties) {
    return StoreClients.create(properties.store().url(), false, properties.store().timeout());
  }

  @Bean
  RedisStoreSink redisStoreSink(
      RedissonClient storeRedisson,
      WeatherProperties properties,
      PathSemantics semantics,
      PipelineMetrics metrics) {
    return new RedisStoreSink(
        storeRedisson,
        properties.layout(),
        semantics.windowSpec(),
        properties.store().windowTtl(),
        properties.store().seriesMaxLength(),
        metrics,
        Clock.systemUTC(),
        properties.retry().initialBackoff(),
        properties.retry().maxBackoff(),
        StoreClients.redact(properties.store().url()));
  }

  /**
   * Stops the sink's endless retries before the streams instance closes (higher phase stops first),
   * so that a shutdown while Redis is down ends promptly; the uncommitted work is replayed on the
   * next start.
   */
  @Bean
  SmartLifecycle redisStoreSinkLifecycle(RedisStoreSink sink) {
    return new SmartLifecycle() {
      private volatile boolean running;

      @Override
      public void start() {
        running = true;
      }

      @Override
      public void stop() {
        sink.stop();
        running = false;
      }

      @Override
      public boolean isRunning() {
        return running;
      }

      @Override
      public int getPhase() {
        return Integer.MAX_VALUE;
      }
    };
  }

  /**
   * The input topic, created with the broker's default partitions and replication when it does not
   * exist yet (Spring's KafkaAdmin does this before Kafka Streams starts; on Strimzi the KafkaTopic
   * exists first and this is a no-op). Without it, a streams app that starts before the kafka
   * gateway has created the topic fails its first rebalance with MissingSourceTopicException, and
   * its replacement thread waits out the dead member's session timeout before it processes
   * anything.
   */
  @Bean
  NewTopic sourceTopic() {
    return TopicBuilder.name(Topics.TWEETS.name()).build();
  }

  @Bean(name = KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
  KafkaStreamsConfiguration defaultKafkaStreamsConfig(
      KafkaProperties kafka, PipelineMetrics metrics) {
    Map<String, Object> config = new HashMap<>(kafka.buildStreamsProperties());
    config.putAll(WeatherTopology.requiredConfig(metrics));
    return new KafkaStreamsConfiguration(config);
  }

  @Bean
  KStream<String, Tweet> weatherTopology(
      StreamsBuilder builder,
      PathSemantics semantics,
      RedisStoreSink sink,
      PipelineMetrics metrics) {
    WeatherTopology.Settings settings =
        new WeatherTopology.Settings(
            semantics.windowSpec(), semantics.dedupHorizon(), semantics.timeRule());
    return WeatherTopology.define(builder, settings, sink, metrics, Clock.systemUTC());
  }

  @Bean
  StreamsBuilderFactoryBeanConfigurer streamsLifecycle(
      MeterRegistry registry, KafkaAdmin kafkaAdmin) {
    return factoryBean -> {
      factoryBean.setKafkaStreamsCustomizer(
          streams -> wipeForeignState(streams, factoryBean, kafkaAdmin));
      Counter threadFailures =
          Counter.builder("weather.streams.thread.failures")
              .tag(Meters.PATH, PipelineMetrics.PATH)
              .description(
                  "Stream threads that failed and were replaced; a rising count with no progress is a stall")
              .register(registry);
      factoryBean.setStreamsUncaughtExceptionHandler(
          exception -> {
            // The failed thread's tasks are aborted (exactly-once) and replayed by the replacement
            // thread.
            threadFailures.increment();
            log.error(
                "A Kafka Streams thread failed ({} so far); replacing it. Its uncommitted work is rolled back and "
                    + "replayed. If this repeats, the cause below needs fixing.",
                (long) threadFailures.count(),
                exception);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
          });
      factoryBean.setStateListener(
          (next, previous) -> log.info("Kafka Streams state {} -> {}", previous, next));
      factoryBean.addListener(new KafkaStreamsMicrometerListener(registry));
      // Within the pods' 30 s termination grace period (k8s/base), so that the leave below is sent
      // before a SIGKILL.
      factoryBean.setCloseTimeout(20);
      // Kafka Streams stays in its consumer group on close by default: a restarted instance would
      // then wait out the old member's session timeout before it got any partition. Leaving
      // makes the group rebalance at once. (With static membership, group.instance.id, leaving on
      // close would defeat it; it is not used here.)
      factoryBean.setLeaveGroupOnClose(true);
    };
  }

  /**
   * Local state that belongs to another Kafka cluster or to an earlier incarnation of the input
   * topic is wiped before the start (see {@link StateOrigin}); it is rebuilt from this cluster's
   * changelogs. When Kafka cannot be reached yet, the check is skipped with a warning: the state
   * then cannot be told apart.
   */
  private static void wipeForeignState(
      KafkaStreams streams, StreamsBuilderFactoryBean factoryBean, KafkaAdmin kafkaAdmin) {
    Properties config = factoryBean.getStreamsConfiguration();
    Path appStateDir =
        Path.of(
            config.getProperty(StreamsConfig.STATE_DIR_CONFIG),
            config.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
    String origin;
    try (Admin admin = Admin.create(kafkaAdmin.getConfigurationProperties())) {
      String clusterId = admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
      String topicId =
          admin
              .describeTopics(List.of(Topics.TWEETS.name()))
              .allTopicNames()
              .get(10, TimeUnit.SECONDS)
              .get(Topics.TWEETS.name())
              .topicId()
              .toString();
      origin = StateOrigin.of(clusterId, topicId);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      log.warn(
          "Could not read the Kafka cluster id and the id of topic {} ({}); local state in {} is used without "
              + "checking that it belongs to this cluster.",
          Topics.TWEETS.name(),
          e.toString(),
          appStateDir);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    StateOrigin state = new StateOrigin(appStateDir);
    if (state.isForeign(origin)) {
      log.warn(
          "Local state in {} was built from {} but this is {} (cluster/input topic id): wiping it; it is "
              + "rebuilt from this cluster's changelog topics.",
          appStateDir,
          state.recorded().orElse("an unrecorded origin"),
          origin);
      streams.cleanUp();
    }
    state.record(origin);
  }

  @Bean(destroyMethod = "close")
  InputLag inputLag(KafkaAdmin kafkaAdmin, KafkaProperties kafka) {
    return new InputLag(
        kafkaAdmin.getConfigurationProperties(), kafka.getStreams().getApplicationId());
  }

  /**
   * Lag, idle time, stall verdict and the semantics this path runs with, written into Redis every
   * few seconds for the readers of the figures.
   */
  @Bean(destroyMethod = "close")
  ConsumerReporter consumerReporter(
      RedissonClient storeRedisson,
      WeatherProperties properties,
      PathSemantics semantics,
      PipelineMetrics metrics,
      InputLag inputLag) {
    // Kafka has no age of the oldest waiting record without reading it: -1.
    return ConsumerReporter.forPath(
        storeRedisson,
        properties.layout(),
        TweetPath.KAFKA,
        inputLag::get,
        metrics.stall(),
        now -> -1,
        semantics);
  }

  /**
   * UP while Kafka Streams runs or rebalances and the path is not stalled; DOWN with the reason
   * otherwise — a stream thread that keeps failing on the same record, or waits on an unreachable
   * Redis, shows here within a minute, as tweets waiting and nothing consumed. Lag and idle time
   * are also gauges: {@code weather.consumer.lag{path=kafka}} and {@code
   * weather.consumer.idle{path=kafka}}.
   */
  @Bean
  HealthIndicator kafkaStreamsHealth(
      StreamsBuilderFactoryBean factoryBean,
      PipelineMetrics metrics,
      MeterRegistry registry,
      InputLag inputLag) {
    Gauge.builder(Meters.CONSUMER_LAG, inputLag, InputLag::get)
        .tag(Meters.PATH, PipelineMetrics.PATH)
        .description("Tweets in weather-tweets not yet processed (-1: unknown)")
        .baseUnit("messages")
        .register(registry);
    Gauge.builder(
            Meters.CONSUMER_IDLE, metrics, m -> m.stall().idleSeconds(System.currentTimeMillis()))
        .tag(Meters.PATH, PipelineMetrics.PATH)
        .description("Seconds since the path last consumed a tweet")
        .baseUnit("seconds")
        .register(registry);
    return () -> {
      KafkaStreams streams = factoryBean.getKafkaStreams();
      if (streams == null) {
        return Health.down().withDetail("state", "NOT_STARTED").build();
      }
      KafkaStreams.State state = streams.state();
      long lag = inputLag.get();
      long now = System.currentTimeMillis();
      var stalled = metrics.stall().stalled(lag, now);
      Health.Builder health =
          (state.isRunningOrRebalancing() || state == KafkaStreams.State.CREATED)
                  && stalled.isEmpty()
              ? Health.up()
              : Health.down();
      stalled.ifPresent(
          reason ->
              health.withDetail(
                  "reason",
                  reason + "; the streams-app log names the failing" + " record or store"));
      Counter threadFailures = registry.find("weather.streams.thread.failures").counter();
      return health
          .withDetail("state", state.name())
          .withDetail("lag", lag)
          .withDetail("idleSeconds", metrics.stall().idleSeconds(now))
          .withDetail("threadFailures", threadFailures == null ? 0 : (long) threadFailures.count())
          .build();
    };
  }
}
