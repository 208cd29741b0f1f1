package io.weathertweets.streams.topology;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processing errors: a record that breaks the topic's contract (wrong key) goes to the dead-letter
 * topic and processing continues; any other exception (a bug, or the store refusing a write) fails
 * the task, so that exactly-once aborts and replays it instead of silently skipping a tweet.
 */
public final class InvalidRecordHandler implements ProcessingExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(InvalidRecordHandler.class);

  private final LogAndContinueProcessingExceptionHandler deadLetter =
      new LogAndContinueProcessingExceptionHandler();
  private PipelineMetrics metrics;

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetter.configure(configs);
    if (configs.get(DeadLetterHandler.METRICS_CONFIG) instanceof PipelineMetrics m) {
      metrics = m;
    }
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    if (exception instanceof KeyMismatchException) {
      if (metrics != null) {
        metrics.deadLettered();
      }
      return deadLetter.handleError(context, record, exception);
    }
    log.error(
        "Processing failed in {} (task {}, {}-{} offset {}); the task will be aborted and replayed from its "
            + "last commit. If this repeats, fix the cause named below.",
        context.processorNodeId(),
        context.taskId(),
        context.topic(),
        context.partition(),
        context.offset(),
        exception);
    return Response.fail();
  }
}
