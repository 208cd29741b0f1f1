package io.weathertweets.ingress.forward;

import io.grpc.Status;
import io.weathertweets.aggregates.TweetPath;
import java.util.List;
import java.util.Map;

/**
 * What the targeted gateways answered to one batch.
 *
 * @param acknowledged the paths whose gateway acknowledged every tweet of the batch
 * @param failures the paths that did not, with the gRPC status of their failure
 */
public record ForwardResult(List<TweetPath> acknowledged, Map<TweetPath, Status> failures) {

  public ForwardResult {
    acknowledged = List.copyOf(acknowledged);
    failures = Map.copyOf(failures);
  }

  public boolean allAcknowledged() {
    return failures.isEmpty();
  }

  /**
   * A gateway judged a tweet invalid: a contract mismatch with the ingress's own validation, not a
   * retryable fault.
   */
  public boolean anyRejectedAsInvalid() {
    return failures.values().stream().anyMatch(s -> s.getCode() == Status.Code.INVALID_ARGUMENT);
  }
}
