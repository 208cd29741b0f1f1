/**
 * Embedded infrastructure for the standalone launcher: what runs when no real server is configured.
 *
 * <table>
 *   <caption>Parts, ports and what replaces them</caption>
 *   <tr><th>part</th><th>runs as</th><th>port</th><th>replaced by</th><th>data</th></tr>
 *   <tr><td>Kafka 4.2 broker, KRaft, broker + controller</td><td>in this JVM ({@code KafkaRaftServer})</td>
 *       <td>9092 (controller 9093)</td><td>{@code KAFKA_BOOTSTRAP_SERVERS}</td><td>{@code kafka/}</td></tr>
 *   <tr><td>AMQP 0-9-1 broker, Qpid Broker-J 10.1, Derby store</td><td>in this JVM</td><td>5672</td>
 *       <td>{@code RABBITMQ_URI}</td><td>{@code amqp/}</td></tr>
 *   <tr><td>Redis role</td><td>child process: {@code redis-server} from the PATH, else the bundled 6.2 binary</td>
 *       <td>6379</td><td>{@code REDIS_URL}</td><td>{@code redis/}</td></tr>
 *   <tr><td>Valkey role</td><td>child process: {@code valkey-server} from the PATH, else {@code redis-server}
 *       from the PATH, else the bundled binary</td><td>6380</td><td>{@code VALKEY_URL}</td><td>{@code valkey/}</td></tr>
 * </table>
 *
 * <p>Kafka: one partition replica everywhere, transaction coordinator usable (Kafka Streams {@code
 * exactly_once_v2}), {@code num.partitions=6}, topics auto-created. AMQP: user guest/guest, virtual
 * host {@code /}; durable topic exchange {@code weather.tweets} → {@code #} → durable queue {@code
 * weather.tweets.bridge}, whose rejected messages ({@code requeue=false}) go to {@code
 * weather.tweets.bridge.dlq}; run the rabbit-bridge with {@code weather.rabbit.declare=false}. Qpid
 * is not RabbitMQ: no quorum queues, no delivery limit for requeues or crashes, RabbitMQ queue
 * arguments ignored. Redis-protocol servers: 127.0.0.1 only, AOF on ({@code appendfsync everysec}),
 * RDB snapshots off.
 */
package io.weathertweets.standalone.infra;
