package io.weathertweets.gateway.publish;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * UP when the Kafka cluster answers a describe-cluster within a short timeout and the tweets topic
 * exists. Boot has no Kafka health indicator; without this one readiness (and the gRPC health
 * service) would stay SERVING with no broker.
 *
 * <p>It also creates the topic when the broker was down at startup (KafkaAdmin tries only once):
 * otherwise the first send would let the broker auto-create it with its default partition count.
 */
class KafkaBrokerHealthIndicator extends AbstractHealthIndicator implements DisposableBean {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private final KafkaAdmin admin;
  private final NewTopic topic;
  private volatile AdminClient client;
  private volatile boolean topicReady;

  KafkaBrokerHealthIndicator(KafkaAdmin admin, NewTopic topic) {
    super("Kafka health check failed");
    this.admin = admin;
    this.topic = topic;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) throws Exception {
    DescribeClusterResult cluster =
        client().describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()));
    Collection<Node> nodes = answer(cluster.nodes());
    if (!topicReady) {
      admin.createOrModifyTopics(topic);
      topicReady = true;
    }
    builder
        .up()
        .withDetail("topic", topic.name())
        .withDetail("clusterId", answer(cluster.clusterId()))
        .withDetail("nodes", nodes.size());
  }

  /**
   * A timeout says only "null" on its own; it becomes a message naming the connection and its
   * likely causes. Other failures (e.g. {@code SaslAuthenticationException}) already say what is
   * wrong and pass unchanged.
   */
  private <T> T answer(KafkaFuture<T> future) throws Exception {
    try {
      return future.get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      if (e instanceof ExecutionException
          && !(e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException)) {
        throw e;
      }
      TimeoutException timeout =
          new TimeoutException(
              "no answer from Kafka ("
                  + KafkaConnection.describe(admin.getConfigurationProperties())
                  + ") within "
                  + TIMEOUT.toSeconds()
                  + " s: the broker is down or unreachable, or its listener expects another security.protocol");
      timeout.initCause(e);
      throw timeout;
    }
  }

  private AdminClient client() {
    AdminClient current = client;
    if (current == null) {
      synchronized (this) {
        if (client == null) {
          // One admin client for all checks; a new one per check would open a connection every 5 s.
          client = AdminClient.create(admin.getConfigurationProperties());
        }
        current = client;
      }
    }
    return current;
  }

  @Override
  public void destroy() {
    AdminClient current = client;
    if (current != null) {
      current.close(Duration.ofSeconds(2));
    }
  }
}
