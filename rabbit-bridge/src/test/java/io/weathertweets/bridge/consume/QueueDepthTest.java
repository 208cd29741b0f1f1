package io.weathertweets.bridge.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weathertweets.aggregates.OldestWait;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;

class QueueDepthTest {

  @Test
  void shouldCountABatchHeldWhileValkeyIsDownAsWaitingThoughTheQueueIsEmpty() {
    AmqpAdmin admin = mock(AmqpAdmin.class);
    when(admin.getQueueInfo("q")).thenReturn(new QueueInformation("q", 0, 1));
    OldestWait oldestWait = new OldestWait();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    QueueDepth depth = new QueueDepth(admin, "q", meters, oldestWait);
    depth.refresh();
    long now = System.currentTimeMillis();

    // At light load the whole backlog is in the batch the listener keeps retrying: nothing is ready
    // in the queue.
    oldestWait.taken(now - 90_000, 12, now);

    assertThat(depth.waiting()).isEqualTo(12);
    assertThat(meters.get("weather.consumer.lag").gauge().value()).isEqualTo(12);
    assertThat(depth.oldestWaitSeconds(now)).isEqualTo(90);
    oldestWait.done(now - 90_000);
    assertThat(depth.waiting()).isZero();
    assertThat(depth.oldestWaitSeconds(now)).isZero();
  }

  @Test
  void shouldSayUnknownWhileTheBrokerCannotBeAsked() {
    AmqpAdmin admin = mock(AmqpAdmin.class);
    when(admin.getQueueInfo("q"))
        .thenThrow(new org.springframework.amqp.AmqpConnectException(null));
    QueueDepth depth = new QueueDepth(admin, "q", new SimpleMeterRegistry(), new OldestWait());
    depth.refresh();

    assertThat(depth.waiting()).isEqualTo(-1);
    assertThat(depth.oldestWaitSeconds(System.currentTimeMillis())).isEqualTo(-1);
  }
}
