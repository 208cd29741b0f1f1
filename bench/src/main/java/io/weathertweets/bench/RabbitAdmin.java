package io.weathertweets.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.Map;

/**
 * Declares the S5 queue on the run's exchange and removes everything a run created on the shared
 * RabbitMQ.
 *
 * <p>Usage: {@code RabbitAdmin <amqp-uri> bind <queue> <exchange>} | {@code RabbitAdmin <amqp-uri>
 * delete [queue:<name>|exchange:<name>]...}. Deleting what does not exist is not an error.
 */
public final class RabbitAdmin {
  private RabbitAdmin() {}

  public static void main(String[] args) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(args[0]);
    try (Connection connection = factory.newConnection("bench-admin")) {
      if (args[1].equals("bind")) {
        try (Channel channel = connection.createChannel()) {
          channel.exchangeDeclare(args[3], "topic", true);
          channel.queueDeclare(args[2], true, false, false, Map.of("x-queue-type", "quorum"));
          channel.queueBind(args[2], args[3], "#");
        }
        return;
      }
      for (int i = 2; i < args.length; i++) {
        String[] kind = args[i].split(":", 2);
        // A failed delete closes the channel: one channel per object.
        try (Channel channel = connection.createChannel()) {
          if (kind[0].equals("queue")) {
            channel.queueDelete(kind[1]);
          } else {
            channel.exchangeDelete(kind[1]);
          }
        } catch (IOException e) {
          System.err.println("could not delete " + args[i] + ": " + e.getMessage());
        }
      }
    }
  }
}
