package io.weathertweets.bridge.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weathertweets.bridge.BridgeProperties;
import io.weathertweets.bridge.BridgeProperties.QueueType;
import jakarta.validation.Validation;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.ExchangeTypes;
import org.springframework.amqp.core.Queue;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/** The declared topology, argument by argument (RabbitMQ refuses redeclarations that differ). */
class RabbitConfigurationTest {

  private static Declarables topology(QueueType type) {
    return topology(type, null);
  }

  private static Declarables topology(QueueType type, String deadLetterExchange) {
    Map<String, String> settings = new HashMap<>();
    if (type != null) {
      settings.put("weather.rabbit.queue-type", type.name().toLowerCase(Locale.ROOT));
    }
    if (deadLetterExchange != null) {
      settings.put("weather.rabbit.dead-letter-exchange", deadLetterExchange);
    }
    // Bound as Spring Boot binds bridge.yml, defaults included.
    BridgeProperties properties =
        new Binder(new MapConfigurationPropertySource(settings))
            .bindOrCreate("weather", BridgeProperties.class);
    return new RabbitConfiguration().bridgeTopology(properties);
  }

  private static Queue queue(Declarables declarables, String name) {
    return declarables.getDeclarablesByType(Queue.class).stream()
        .filter(q -> q.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void shouldDeclareAQuorumQueueWithDeliveryLimitAndDeadLetterExchangeByDefault() {
    Declarables declarables = topology(null);

    assertThat(queue(declarables, "weather.tweets.bridge").getArguments())
        .containsEntry("x-queue-type", "quorum")
        .containsEntry("x-delivery-limit", 5)
        .containsEntry("x-dead-letter-exchange", "weather.tweets.dlx");
    assertThat(queue(declarables, "weather.tweets.bridge").isDurable()).isTrue();
    assertThat(declarables.getDeclarablesByType(Exchange.class))
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("weather.tweets");
              assertThat(e.getType()).isEqualTo(ExchangeTypes.TOPIC);
              assertThat(e.isDurable()).isTrue();
              assertThat(e.isAutoDelete()).isFalse();
            });
    assertThat(declarables.getDeclarablesByType(Binding.class))
        .anySatisfy(
            b -> {
              assertThat(b.getExchange()).isEqualTo("weather.tweets");
              assertThat(b.getDestination()).isEqualTo("weather.tweets.bridge");
              assertThat(b.getRoutingKey()).isEqualTo("#");
            })
        .anySatisfy(
            b -> {
              assertThat(b.getExchange()).isEqualTo("weather.tweets.dlx");
              assertThat(b.getDestination()).isEqualTo("weather.tweets.bridge.dlq");
            });
  }

  @Test
  void shouldDeclareAClassicQueueWithoutDeliveryLimitButWithDeadLetterExchange() {
    Declarables declarables = topology(QueueType.CLASSIC);

    assertThat(queue(declarables, "weather.tweets.bridge").getArguments())
        .doesNotContainKeys("x-queue-type", "x-delivery-limit")
        .containsEntry("x-dead-letter-exchange", "weather.tweets.dlx");
    assertThat(queue(declarables, "weather.tweets.bridge.dlq").getArguments())
        .doesNotContainKey("x-queue-type");
  }

  /** A value the bridge cannot run with stops the start, naming it (@Validated). */
  @Test
  void shouldRefuseSettingsItCannotRunWith() {
    Binder binder =
        new Binder(
            new MapConfigurationPropertySource(Map.of("weather.store.series-max-length", "0")));
    ValidationBindHandler validation =
        new ValidationBindHandler(
            new SpringValidatorAdapter(Validation.buildDefaultValidatorFactory().getValidator()));

    assertThatThrownBy(
            () -> binder.bind("weather", Bindable.of(BridgeProperties.class), validation))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessageContaining("weather.store")
        .hasMessageContaining("seriesMaxLength");
  }

  @Test
  void shouldLeaveDeadLetteringOutWhenItsExchangeIsEmpty() {
    Declarables declarables = topology(QueueType.CLASSIC, "");

    assertThat(queue(declarables, "weather.tweets.bridge").getArguments()).isEmpty();
    assertThat(declarables.getDeclarablesByType(Queue.class)).hasSize(1);
    assertThat(declarables.getDeclarablesByType(Exchange.class))
        .extracting(Exchange::getName)
        .containsExactly("weather.tweets");
  }
}
