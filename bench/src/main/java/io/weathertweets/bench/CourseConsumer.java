package io.weathertweets.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.proto.v1.Tweet;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * S5, the baseline of the course projects' design: one consumer takes each message off RabbitMQ and
 * updates Redis with one command per figure, each a round trip (count, temperature sum, humidity
 * sum, the condition's count, the global total), then acks that one message. Fed the same tweets as
 * the bridge (its queue is bound to the run's exchange), it shows what per-message commands cost
 * next to our paths' batched/coalesced writes.
 *
 * <p>Usage: {@code CourseConsumer <amqp-uri> <queue> <redis-host> <redis-port> <key-prefix>
 * <seconds>}: consumes for at most that long (or until the queue stays empty for 2 s) and prints
 * {@code consumed=} and {@code rate=}.
 */
public final class CourseConsumer {
  private CourseConsumer() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    String queue = args[1];
    String prefix = args[4];
    long seconds = Long.parseLong(args[5]);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    AtomicLong consumed = new AtomicLong();
    AtomicLong lastDelivery = new AtomicLong(System.nanoTime());
    CountDownLatch failed = new CountDownLatch(1);
    long start = System.nanoTime();
    // A plain blocking client, as such projects use: one command, one reply, one round trip.
    try (Jedis redis = new Jedis(args[2], Integer.parseInt(args[3]));
        Connection connection = factory.newConnection("bench-course-consumer")) {
      Channel channel = connection.createChannel();
      channel.basicQos(100);
      channel.basicConsume(
          queue,
          false,
          new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(
                String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                throws IOException {
              Tweet tweet = Tweet.parseFrom(body);
              String hash =
                  prefix + ":municipality:" + Municipality.fromProto(tweet.getMunicipality()).id();
              String condition = Condition.fromProto(tweet.getCondition()).id();
              try {
                redis.hincrBy(hash, "count", 1);
                redis.hincrBy(hash, "temperature_sum", tweet.getTemperature());
                redis.hincrBy(hash, "humidity_sum", tweet.getHumidity());
                redis.hincrBy(hash, condition, 1);
                redis.incr(prefix + ":tweets_total");
              } catch (JedisException e) {
                System.err.println("Redis command failed, stopping the baseline consumer: " + e);
                failed.countDown();
                throw new IOException(e);
              }
              getChannel().basicAck(envelope.getDeliveryTag(), false);
              consumed.incrementAndGet();
              lastDelivery.set(System.nanoTime());
            }
          });
      long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < deadline && failed.getCount() > 0) {
        if (consumed.get() > 0 && System.nanoTime() - lastDelivery.get() > 2_000_000_000L) {
          break;
        }
        Thread.sleep(100);
      }
      channel.close();
    }
    double elapsed = (Math.min(System.nanoTime(), lastDelivery.get()) - start) / 1e9;
    System.out.printf("consumed=%d%n", consumed.get());
    System.out.printf("rate=%.0f%n", consumed.get() / Math.max(elapsed, 0.001));
    if (failed.getCount() == 0) {
      System.exit(1);
    }
  }
}
