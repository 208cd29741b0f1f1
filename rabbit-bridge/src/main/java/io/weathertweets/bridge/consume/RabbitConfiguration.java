package io.weathertweets.bridge.consume;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.aggregates.ConsumerReporter;
import io.weathertweets.aggregates.Meters;
import io.weathertweets.aggregates.OldestWait;
import io.weathertweets.aggregates.PathSemantics;
import io.weathertweets.aggregates.StallCheck;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.bridge.BridgeProperties;
import io.weathertweets.bridge.store.BatchScript;
import org.redisson.api.RedissonClient;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.boot.amqp.autoconfigure.SimpleRabbitListenerContainerFactoryConfigurer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.SchedulingConfigurer;

/**
 * The bridge's RabbitMQ side: the topology it owns (declared through Boot's RabbitAdmin unless
 * {@code weather.rabbit.declare=false}) and one batch container with manual acknowledgement.
 */
@Configuration(proxyBeanMethods = false)
class RabbitConfiguration {

  /**
   * The exchange is declared exactly as the gateway declares it (durable, not auto-delete, topic);
   * RabbitMQ refuses a redeclaration with different settings, so both sides must agree.
   */
  @Bean
  @ConditionalOnProperty(
      name = "weather.rabbit.declare",
      havingValue = "true",
      matchIfMissing = true)
  Declarables bridgeTopology(BridgeProperties properties) {
    BridgeProperties.Rabbit rabbit = properties.rabbit();
    TopicExchange exchange = new TopicExchange(rabbit.exchange(), true, false);
    QueueBuilder queue = QueueBuilder.durable(rabbit.queue());
    if (rabbit.queueType() == BridgeProperties.QueueType.QUORUM) {
      // A message that keeps coming back (the bridge crashing on it) ends in the DLQ instead of
      // looping.
      queue.quorum().deliveryLimit(rabbit.deliveryLimit());
    }
    if (!rabbit.deadLettering()) {
      // Only for brokers that reject dead-letter arguments (an embedded AMQP broker in the
      // standalone launcher).
      Queue tweets = queue.build();
      return new Declarables(exchange, tweets, BindingBuilder.bind(tweets).to(exchange).with("#"));
    }
    queue.deadLetterExchange(rabbit.deadLetterExchange());
    FanoutExchange deadLetters = new FanoutExchange(rabbit.deadLetterExchange(), true, false);
    QueueBuilder deadLetterQueue = QueueBuilder.durable(rabbit.deadLetterQueue());
    if (rabbit.queueType() == BridgeProperties.QueueType.QUORUM) {
      deadLetterQueue.quorum();
    }
    Queue tweets = queue.build();
    Queue dlq = deadLetterQueue.build();
    Binding all = BindingBuilder.bind(tweets).to(exchange).with("#");
    Binding deadLettered = BindingBuilder.bind(dlq).to(deadLetters);
    return new Declarables(exchange, deadLetters, tweets, dlq, all, deadLettered);
  }

  @Bean
  TweetBatchListener tweetBatchListener(
      BatchScript batchScript,
      MeterRegistry meters,
      BridgeProperties properties,
      PathSemantics semantics,
      StallCheck consumerStall,
      OldestWait oldestWait) {
    return new TweetBatchListener(
        batchScript, meters, properties, semantics, consumerStall, oldestWait);
  }

  @Bean
  StallCheck consumerStall(MeterRegistry meters, BridgeProperties properties) {
    StallCheck stall =
        new StallCheck(
            TweetPath.RABBIT.describe(),
            properties.health().stallAfter(),
            System.currentTimeMillis());
    Gauge.builder(Meters.CONSUMER_IDLE, stall, s -> s.idleSeconds(System.currentTimeMillis()))
        .tag(Meters.PATH, TweetPath.RABBIT.id())
        .description("Seconds since the path last consumed a tweet")
        .baseUnit("seconds")
        .register(meters);
    return stall;
  }

  @Bean
  OldestWait oldestWait() {
    return new OldestWait();
  }

  @Bean
  QueueDepth queueDepth(
      AmqpAdmin admin, BridgeProperties properties, MeterRegistry meters, OldestWait oldestWait) {
    return new QueueDepth(admin, properties.rabbit().queue(), meters, oldestWait);
  }

  /**
   * Queue depth, idle time, stall verdict and the semantics this path runs with, written into
   * Valkey every few seconds for the readers of the figures.
   */
  @Bean(destroyMethod = "close")
  ConsumerReporter consumerReporter(
      RedissonClient valkeyClient,
      BridgeProperties properties,
      PathSemantics semantics,
      QueueDepth depth,
      StallCheck consumerStall) {
    return ConsumerReporter.forPath(
        valkeyClient,
        properties.store().layout(),
        TweetPath.RABBIT,
        depth::waiting,
        consumerStall,
        depth::oldestWaitSeconds,
        semantics);
  }

  /**
   * DOWN, with the reason, when tweets wait in the queue and nothing was consumed for a minute (a
   * listener stuck on Valkey, a broken consumer); UP otherwise, idle included.
   */
  @Bean
  HealthIndicator consumerHealth(QueueDepth depth, StallCheck consumerStall) {
    return () -> {
      long now = System.currentTimeMillis();
      long lag = depth.waiting();
      return consumerStall
          .stalled(lag, now)
          .map(reason -> Health.down().withDetail("reason", reason + "; see the rabbit-bridge log"))
          .orElseGet(Health::up)
          .withDetail("lag", lag)
          .withDetail("idleSeconds", consumerStall.idleSeconds(now))
          .withDetail("oldestWaitSeconds", depth.oldestWaitSeconds(now))
          .build();
    };
  }

  /**
   * Batches of up to {@code spring.rabbitmq.listener.simple.batch-size} messages, acknowledged by
   * the listener itself after Valkey applied them. Spring Boot's listener settings ({@code
   * spring.rabbitmq.listener.simple.*}: prefetch, batch size, concurrency, and the rest) shape the
   * container; what the listener relies on is set here and cannot be configured away: manual
   * acknowledgement, batches handed over whole, and a missing queue failing the start (with {@code
   * weather.rabbit.declare=false} there is otherwise nothing to consume). The container raises the
   * prefetch to at least the batch size (a smaller one could never fill it). Boot has no setting
   * for how long a batch waits to fill: {@code weather.rabbit.receive-timeout}.
   */
  @Bean
  SimpleMessageListenerContainer tweetContainer(
      SimpleRabbitListenerContainerFactoryConfigurer boot,
      ConnectionFactory connectionFactory,
      TweetBatchListener listener,
      BridgeProperties properties) {
    BridgeProperties.Rabbit rabbit = properties.rabbit();
    SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
    boot.configure(factory, connectionFactory);
    factory.setAcknowledgeMode(AcknowledgeMode.MANUAL);
    factory.setConsumerBatchEnabled(true);
    factory.setMissingQueuesFatal(true);
    factory.setReceiveTimeout(rabbit.receiveTimeout().toMillis());
    factory.setBatchReceiveTimeout(rabbit.receiveTimeout().toMillis());
    SimpleMessageListenerContainer container = factory.createListenerContainer();
    container.setQueueNames(rabbit.queue());
    container.setMessageListener(listener);
    return container;
  }

  /** Refreshes the queue depth every {@code weather.rabbit.lag-interval}. */
  @Bean
  SchedulingConfigurer queueDepthRefresh(QueueDepth depth, BridgeProperties properties) {
    return registrar ->
        registrar.addFixedDelayTask(depth::refresh, properties.rabbit().lagInterval());
  }
}
