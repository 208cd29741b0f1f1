package io.weathertweets.bridge.consume;

import com.google.protobuf.InvalidProtocolBufferException;
import com.rabbitmq.client.Channel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.weathertweets.aggregates.Meters;
import io.weathertweets.aggregates.OldestWait;
import io.weathertweets.aggregates.PathSemantics;
import io.weathertweets.aggregates.RetryUntilStopped;
import io.weathertweets.aggregates.StallCheck;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.aggregates.TweetRules;
import io.weathertweets.bridge.BridgeProperties;
import io.weathertweets.bridge.store.ApplyResult;
import io.weathertweets.bridge.store.BatchScript;
import io.weathertweets.proto.v1.Tweet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareBatchMessageListener;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * One batch of deliveries → poison messages rejected to the dead-letter exchange → the valid tweets
 * applied to Valkey in one script call → one acknowledgement (multiple) up to the last valid
 * delivery.
 *
 * <p>Delivery guarantee: a tweet is acknowledged only after Valkey applied it, so a crash at any
 * point means redelivery, never loss; the script's per-id guard turns the redelivery into
 * duplicates that change nothing. While Valkey is unavailable the batch is retried in place ({@link
 * RetryUntilStopped}: exponential backoff, nothing acknowledged); the listener gives up only when
 * the application stops, and then requeues (an infrastructure error must not push good tweets
 * toward the DLQ; each requeue does count against a quorum queue's delivery limit).
 */
class TweetBatchListener
    implements ChannelAwareBatchMessageListener, ApplicationListener<ContextClosedEvent> {
  private static final Logger log = LoggerFactory.getLogger(TweetBatchListener.class);
  private static final String PATH = TweetPath.RABBIT.id();

  private final BatchScript script;
  private final BridgeProperties properties;
  private final PathSemantics semantics;
  private final MeterRegistry meters;
  private final Counter processed;
  private final Counter dlq;
  private final Counter duplicates;
  private final Counter late;
  private final Counter writeFailures;
  private final DistributionSummary batchSize;
  private final Timer writeLatency;
  private final Timer e2eLatency;
  private final RetryUntilStopped retry;

  private final StallCheck stall;
  private final OldestWait oldestWait;

  TweetBatchListener(
      BatchScript script,
      MeterRegistry meters,
      BridgeProperties properties,
      PathSemantics semantics,
      StallCheck stall,
      OldestWait oldestWait) {
    this.script = script;
    this.semantics = semantics;
    this.stall = stall;
    this.oldestWait = oldestWait;
    this.properties = properties;
    this.meters = meters;
    this.retry =
        new RetryUntilStopped(properties.retry().initialBackoff(), properties.retry().maxBackoff());
    this.processed =
        counter(Meters.TWEETS_PROCESSED, "Tweets counted in the store for the first time");
    this.dlq = counter(Meters.TWEETS_DLQ, "Messages rejected to the dead-letter queue");
    this.duplicates =
        counter(Meters.TWEETS_DUPLICATES, "Redelivered tweets skipped by the replay guard");
    this.late =
        counter(Meters.TWEETS_LATE, "Tweets too late for their window (all-time figures only)");
    this.writeFailures =
        counter("weather.store.write.failures", "Batch applications Valkey did not confirm");
    this.batchSize =
        DistributionSummary.builder("weather.bridge.batch.size")
            .description("Messages per consumed batch")
            .baseUnit("messages")
            .register(meters);
    this.writeLatency =
        Timer.builder(Meters.STORE_WRITE_LATENCY)
            .tag(Meters.PATH, PATH)
            .description("One batch script call in Valkey")
            .publishPercentileHistogram()
            .register(meters);
    this.e2eLatency =
        Timer.builder(Meters.E2E_LATENCY)
            .tag(Meters.PATH, PATH)
            .description("Tweet accepted by the ingress until visible in the store")
            .publishPercentileHistogram()
            .publishPercentiles(0.5, 0.99)
            .register(meters);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).tag(Meters.PATH, PATH).description(description).register(meters);
  }

  @Override
  public void onMessageBatch(List<Message> messages, Channel channel) {
    batchSize.record(messages.size());
    List<Tweet> tweets = new ArrayList<>(messages.size());
    long lastValidTag = -1;
    for (Message message : messages) {
      long tag = message.getMessageProperties().getDeliveryTag();
      Tweet tweet = decode(message);
      if (tweet == null) {
        reject(channel, tag);
      } else {
        tweets.add(tweet);
        lastValidTag = tag;
      }
    }
    if (tweets.isEmpty()) {
      return;
    }
    long oldest = 0;
    long newest = 0;
    for (Tweet tweet : tweets) {
      long acceptedAt = tweet.getAcceptedAtMs();
      if (acceptedAt > 0) {
        oldest = oldest == 0 ? acceptedAt : Math.min(oldest, acceptedAt);
        newest = Math.max(newest, acceptedAt);
      }
    }
    oldestWait.taken(oldest, tweets.size(), System.currentTimeMillis());
    try {
      applyAndAck(messages, channel, tweets, lastValidTag);
    } finally {
      oldestWait.done(newest);
    }
  }

  private void applyAndAck(
      List<Message> messages, Channel channel, List<Tweet> tweets, long lastValidTag) {
    ApplyResult result = applyUntilDone(tweets);
    if (result == null) {
      requeue(channel, lastValidTag, tweets.size());
      return;
    }
    long now = System.currentTimeMillis();
    if (log.isDebugEnabled()) {
      log.debug(
          "Applied {} deliveries (tags {}..{}): {}",
          messages.size(),
          messages.getFirst().getMessageProperties().getDeliveryTag(),
          lastValidTag,
          result);
    }
    stall.progress(now);
    processed.increment(result.processed());
    duplicates.increment(result.duplicates());
    late.increment(result.late());
    for (int i = 0; i < tweets.size(); i++) {
      long acceptedAt = tweets.get(i).getAcceptedAtMs();
      if (result.isNew(i) && acceptedAt > 0) {
        e2eLatency.record(Math.max(0, now - acceptedAt), TimeUnit.MILLISECONDS);
      }
    }
    beforeAck(channel, messages);
    try {
      channel.basicAck(lastValidTag, true);
    } catch (IOException e) {
      // The batch is in Valkey; the broker will redeliver it and the replay guard will skip it.
      throw new AmqpIOException(e);
    }
    publishLatencyToMeta();
  }

  /** Test seam: runs after the batch is in Valkey and before it is acknowledged. */
  protected void beforeAck(Channel channel, List<Message> messages) {}

  private Tweet decode(Message message) {
    Tweet tweet;
    try {
      tweet = Tweet.parseFrom(message.getBody());
    } catch (InvalidProtocolBufferException e) {
      log.warn(
          "Dead-lettering message {} (delivery {}): body is not a v1 Tweet protobuf ({}). Inspect it in {}.",
          message.getMessageProperties().getMessageId(),
          message.getMessageProperties().getDeliveryTag(),
          e.getMessage(),
          properties.rabbit().deadLetterQueue());
      return null;
    }
    // Judged against the time the tweet was accepted, as the Kafka path does: a tweet stamped far
    // ahead would move this municipality's stream time into the future and close its windows early.
    List<TweetRules.Violation> violations =
        TweetRules.consumerViolations(tweet, semantics.timeRule());
    if (!violations.isEmpty()) {
      log.warn(
          "Dead-lettering tweet {} (delivery {}): {}. Inspect it in {}.",
          tweet.getId(),
          message.getMessageProperties().getDeliveryTag(),
          violations,
          properties.rabbit().deadLetterQueue());
      return null;
    }
    return tweet;
  }

  private void reject(Channel channel, long tag) {
    try {
      channel.basicReject(tag, false);
      dlq.increment();
      stall.progress(System.currentTimeMillis());
    } catch (IOException e) {
      throw new AmqpIOException(e);
    }
  }

  /** Null when the application is stopping before Valkey confirmed the batch. */
  private ApplyResult applyUntilDone(List<Tweet> tweets) {
    // One token for every attempt: an attempt that timed out may have run, and the retry must know
    // it was us.
    String token = BatchScript.newBatchToken();
    try {
      return retry.run(
          () -> {
            long started = System.nanoTime();
            try {
              ApplyResult result = script.apply(tweets, token, System.currentTimeMillis());
              writeLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
              return result;
            } catch (RuntimeException e) {
              writeFailures.increment();
              throw e;
            }
          },
          (attempt, failure, retryIn) ->
              log.warn(
                  "Valkey did not apply a batch of {} tweets (attempt {}: {}). "
                      + "Nothing is acknowledged; retrying in {} ms. Check that Valkey at VALKEY_URL is up, reachable and "
                      + "not out of memory; the tweets wait in queue {}.",
                  tweets.size(),
                  attempt,
                  failure.toString(),
                  retryIn.toMillis(),
                  properties.rabbit().queue()),
          attempts ->
              log.info(
                  "Valkey applied the batch of {} tweets after {} attempts",
                  tweets.size(),
                  attempts));
    } catch (RetryUntilStopped.Stopped e) {
      if (!e.interrupted()) {
        log.warn(
            "Stopping while Valkey has not confirmed a batch of {} tweets; requeueing it ({})",
            tweets.size(),
            e.getCause().toString());
      }
      return null;
    }
  }

  private void requeue(Channel channel, long lastTag, int count) {
    try {
      channel.basicNack(lastTag, true, true);
    } catch (IOException e) {
      // The channel is gone: the broker requeues every unacknowledged delivery by itself.
      log.warn(
          "Could not requeue {} tweets ({}); the broker will redeliver them when the channel closes",
          count,
          e.toString());
    }
  }

  private void publishLatencyToMeta() {
    if (e2eLatency.count() == 0) {
      return;
    }
    ValueAtPercentile[] percentiles = e2eLatency.takeSnapshot().percentileValues();
    if (percentiles.length < 2) {
      return;
    }
    script
        .writeLatency(
            Math.round(percentiles[0].value(TimeUnit.MILLISECONDS)),
            Math.round(percentiles[1].value(TimeUnit.MILLISECONDS)))
        .whenComplete(
            (ignored, failure) -> {
              if (failure != null) {
                // Informational figures only; the batch itself is applied and acknowledged.
                log.warn("Could not write e2e latency to the meta hash: {}", failure.toString());
              }
            });
  }

  @Override
  public void onApplicationEvent(ContextClosedEvent event) {
    retry.stop();
  }
}
