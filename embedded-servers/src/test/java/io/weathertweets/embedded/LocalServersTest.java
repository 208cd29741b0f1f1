package io.weathertweets.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Whatever LocalServers picks (the real servers, or embedded ones without them or with {@code
 * WEATHER_TEST_FORCE_EMBEDDED=true}) must answer as the tests expect.
 */
class LocalServersTest {

  @Test
  void shouldAnswerPingOnTheRedisAndValkeyRoles() throws IOException {
    assertThat(LocalServers.redisUrl()).startsWith("redis://");
    assertThat(LocalServers.valkeyUrl()).startsWith("redis://");
    assertThat(LocalServers.redisPort()).isNotEqualTo(LocalServers.valkeyPort());
    assertThat(RedisProtocolServer.ping(LocalServers.redisPort())).isEqualTo("PONG");
    assertThat(RedisProtocolServer.ping(LocalServers.valkeyPort())).isEqualTo("PONG");
  }

  @Test
  void shouldRoundTripAMessageThroughTheAmqpServer() throws IOException, TimeoutException {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(LocalServers.rabbitHost());
    factory.setPort(LocalServers.rabbitPort());
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      String queue = channel.queueDeclare().getQueue();
      channel.basicPublish("", queue, null, "hello".getBytes());
      GetResponse got = null;
      for (int i = 0; i < 100 && got == null; i++) {
        got = channel.basicGet(queue, true);
      }
      assertThat(got).isNotNull();
      assertThat(new String(got.getBody())).isEqualTo("hello");
    }
  }

  @Test
  void shouldSayRabbitMqOnlyForARealRabbitMq() throws IOException, TimeoutException {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(LocalServers.rabbitHost());
    factory.setPort(LocalServers.rabbitPort());
    try (Connection connection = factory.newConnection()) {
      String product = String.valueOf(connection.getServerProperties().get("product"));
      assertThat(LocalServers.realRabbitMq()).isEqualTo(product.equals("RabbitMQ"));
    }
  }
}
