package io.weathertweets.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * RabbitMQ's limit for the way our pipeline uses it: persistent 70-byte messages, publisher
 * confirms, a consumer with manual acks, on a quorum queue like the bridge's — the measurement
 * RabbitMQ PerfTest makes with {@code -f persistent -c 1000 -q 500 -s 70 -a off --queue-args
 * x-queue-type=quorum}, as the same loop on the same amqp-client as the rest of the benchmark, so
 * no separate tool has to be installed.
 *
 * <p>Usage: {@code RabbitLimit <amqp-uri> <queue> <seconds>}; prints {@code rate=<consumed msg/s>}.
 * The queue is declared, used and deleted.
 */
public final class RabbitLimit {
  private static final int CONFIRM_WINDOW = 1000;
  private static final int PREFETCH = 500;

  private RabbitLimit() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    String queue = args[1];
    long seconds = Long.parseLong(args[2]);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    byte[] body = new byte[70];
    try (Connection producerConnection = factory.newConnection("bench-limit-producer");
        Connection consumerConnection = factory.newConnection("bench-limit-consumer")) {
      Channel producer = producerConnection.createChannel();
      producer.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
      producer.confirmSelect();
      Semaphore window = new Semaphore(CONFIRM_WINDOW);
      producer.addConfirmListener(
          (tag, multiple) -> release(window, tag, multiple),
          (tag, multiple) -> release(window, tag, multiple));

      Channel consumer = consumerConnection.createChannel();
      consumer.basicQos(PREFETCH);
      AtomicLong consumed = new AtomicLong();
      AtomicLong measuring = new AtomicLong(-1);
      consumer.basicConsume(
          queue,
          false,
          new DefaultConsumer(consumer) {
            @Override
            public void handleDelivery(
                String tag, Envelope envelope, AMQP.BasicProperties props, byte[] b)
                throws java.io.IOException {
              consumed.incrementAndGet();
              // Ack every 50th delivery with multiple=true, as PerfTest's --multi-ack-every would.
              if (envelope.getDeliveryTag() % 50 == 0) {
                getChannel().basicAck(envelope.getDeliveryTag(), true);
              }
            }
          });
      long warmupEnd = System.nanoTime() + 2_000_000_000L;
      long end = warmupEnd + seconds * 1_000_000_000L;
      long startCount = 0;
      long unconfirmedBase = 0;
      while (System.nanoTime() < end) {
        if (measuring.get() < 0 && System.nanoTime() >= warmupEnd) {
          startCount = consumed.get();
          measuring.set(System.nanoTime());
        }
        window.acquire();
        unconfirmedBase++;
        producer.basicPublish("", queue, MessageProperties.MINIMAL_PERSISTENT_BASIC, body);
      }
      double elapsed = (System.nanoTime() - measuring.get()) / 1e9;
      long count = consumed.get() - startCount;
      producer.queueDelete(queue);
      System.out.printf("published=%d consumed=%d seconds=%.1f%n", unconfirmedBase, count, elapsed);
      System.out.printf("rate=%.0f%n", count / elapsed);
    }
  }

  // Confirms may be cumulative; counting released permits by delivery tag keeps the window exact.
  private static long confirmedUpTo;

  private static synchronized void release(Semaphore window, long tag, boolean multiple) {
    long count = multiple ? tag - confirmedUpTo : 1;
    confirmedUpTo = Math.max(confirmedUpTo, tag);
    window.release((int) Math.max(count, 0));
  }
}
