package io.weathertweets.loadgen.send;

/**
 * What the server answered to one request (one tweet, one batch or one stream); it applies to every
 * tweet the request carried, since the services accept or refuse a batch as a whole.
 *
 * @param reason the status as the server gave it, e.g. {@code 400}, {@code 503}, {@code
 *     INVALID_ARGUMENT}, {@code UNAVAILABLE}, {@code timeout}; empty when accepted
 */
public record Outcome(Kind kind, String reason) {

  public enum Kind {
    /** 2xx / OK: the gateways confirmed that the brokers have the tweets. */
    ACCEPTED,
    /**
     * The request itself is wrong (4xx, INVALID_ARGUMENT...): retrying it unchanged cannot help.
     */
    REJECTED,
    /**
     * The system could not take it now (5xx, UNAVAILABLE, timeouts, connection errors): worth
     * retrying.
     */
    FAILED
  }

  public static final Outcome ACCEPTED = new Outcome(Kind.ACCEPTED, "");

  public static Outcome rejected(String reason) {
    return new Outcome(Kind.REJECTED, reason);
  }

  public static Outcome failed(String reason) {
    return new Outcome(Kind.FAILED, reason);
  }

  /** HTTP status → outcome. 408 and 429 are 4xx but say "not now", so they count as failures. */
  public static Outcome ofHttpStatus(int status) {
    if (status >= 200 && status < 300) {
      return ACCEPTED;
    }
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
      return rejected(Integer.toString(status));
    }
    return failed(Integer.toString(status));
  }

  /** gRPC status → outcome: codes that blame the request are rejections, the rest are failures. */
  public static Outcome ofGrpcStatus(io.grpc.Status.Code code) {
    return switch (code) {
      case OK -> ACCEPTED;
      case INVALID_ARGUMENT,
          FAILED_PRECONDITION,
          OUT_OF_RANGE,
          ALREADY_EXISTS,
          NOT_FOUND,
          PERMISSION_DENIED,
          UNAUTHENTICATED ->
          rejected(code.name());
      default -> failed(code.name());
    };
  }
}
