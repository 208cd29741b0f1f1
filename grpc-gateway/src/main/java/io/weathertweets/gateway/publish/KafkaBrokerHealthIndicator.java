package io.weathertweets.gateway.publish;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * UP when the Kafka cluster answers a describe-cluster within a short timeout and the tweets topic exists.
 * Boot has no Kafka health indicator; without this one readiness (and the gRPC health service) would stay
 * SERVING with no broker.
 *
 * <p>It also creates the topic when the broker was down at startup (KafkaAdmin tries only once): otherwise
 * the first send would let the broker auto-create it with its default partition count.
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
    DescribeClusterResult cluster = client().describeCluster(
        new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()));
    Collection<Node> nodes = cluster.nodes().get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
    if (!topicReady) {
      admin.createOrModifyTopics(topic);
      topicReady = true;
    }
    builder.up()
        .withDetail("topic", topic.name())
        .withDetail("clusterId", cluster.clusterId().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
        .withDetail("nodes", nodes.size());
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
