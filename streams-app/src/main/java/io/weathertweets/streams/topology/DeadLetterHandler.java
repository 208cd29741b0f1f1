package io.weathertweets.streams.topology;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Kafka Streams' log-and-continue handler, which (since 4.2) also hands the raw record to the
 * dead-letter topic named by {@code errors.dead.letter.queue.topic.name}, plus a count of what went
 * there. The metrics object arrives through the streams configuration under {@link #METRICS_CONFIG}
 * because Kafka Streams instantiates the handler itself.
 *
 * <p>Aggregate state this release cannot read ({@link StateFormatException}, e.g. on the overview's
 * repartition topic after a rollback) is not a bad tweet: skipping it would leave a figure wrong
 * without a trace, so the task fails instead and the error names the store and the format.
 */
public final class DeadLetterHandler extends LogAndContinueExceptionHandler {
  public static final String METRICS_CONFIG = "weather.pipeline.metrics";

  private PipelineMetrics metrics;

  @Override
  public void configure(Map<String, ?> configs) {
    super.configure(configs);
    if (configs.get(METRICS_CONFIG) instanceof PipelineMetrics m) {
      metrics = m;
    }
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof StateFormatException) {
      return Response.fail();
    }
    Response response = super.handleError(context, record, exception);
    if (metrics != null) {
      metrics.deadLettered();
    }
    return response;
  }
}
