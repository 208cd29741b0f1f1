package io.weathertweets.gateway.api;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.weathertweets.gateway.publish.SinkUnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.grpc.server.exception.GrpcExceptionHandler;
import org.springframework.stereotype.Component;

/**
 * The one place where failures become gRPC status codes. Spring gRPC applies it both to exceptions
 * thrown by a service method and to those a service hands to {@code onError} later (broker acks
 * arrive on the broker client's threads).
 */
@Component
class GrpcErrors implements GrpcExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

  @Override
  public StatusException handleException(Throwable exception) {
    Throwable cause = unwrap(exception);
    if (cause instanceof InvalidTweetException invalid) {
      return Status.INVALID_ARGUMENT.withDescription(invalid.getMessage()).asException();
    }
    if (cause instanceof SinkUnavailableException unavailable) {
      log.warn(
          "Publish failed, answering UNAVAILABLE (the caller retries with the same ids): {}",
          unavailable.getMessage());
      return Status.UNAVAILABLE
          .withDescription(unavailable.getMessage())
          .withCause(unavailable)
          .asException();
    }
    if (cause instanceof StatusException || cause instanceof StatusRuntimeException) {
      return Status.fromThrowable(cause).asException(Status.trailersFromThrowable(cause));
    }
    log.error(
        "Unexpected failure in a gRPC call; this is a gateway bug, answering INTERNAL", cause);
    return Status.INTERNAL
        .withDescription("internal error in the gateway: " + cause)
        .withCause(cause)
        .asException();
  }

  static Throwable unwrap(Throwable exception) {
    Throwable cause = exception;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
