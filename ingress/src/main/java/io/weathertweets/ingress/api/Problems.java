package io.weathertweets.ingress.api;

import io.grpc.Status;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.ingress.IngressProperties;
import io.weathertweets.ingress.forward.ForwardResult;
import io.weathertweets.proto.v1.Tweet;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * The problem types of the API. Type URIs are tag URIs (RFC 4151): stable identifiers that do not
 * pretend to be dereferenceable documentation; the OpenAPI document describes each.
 */
final class Problems {
  static final String TYPE_PREFIX = "tag:weathertweets.io,2026:problem/";
  static final URI INVALID_TWEET = URI.create(TYPE_PREFIX + "invalid-tweet");
  static final URI MALFORMED_JSON = URI.create(TYPE_PREFIX + "malformed-json");
  static final URI CONTENT_TOO_LARGE = URI.create(TYPE_PREFIX + "content-too-large");
  static final URI GATEWAY_UNAVAILABLE = URI.create(TYPE_PREFIX + "gateway-unavailable");
  static final URI REJECTED_BY_GATEWAY = URI.create(TYPE_PREFIX + "rejected-by-gateway");
  static final URI RATE_LIMITED = URI.create(TYPE_PREFIX + "rate-limited");
  static final URI OVERLOADED = URI.create(TYPE_PREFIX + "overloaded");

  private Problems() {}

  static ProblemException invalid(List<FieldError> errors, int tweets) {
    String detail =
        errors.size() == 1
            ? "1 field is invalid: " + errors.getFirst().field() + " " + errors.getFirst().message()
            : errors.size()
                + " fields are invalid: "
                + errors.stream().map(FieldError::field).collect(Collectors.joining(", "));
    ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, INVALID_TWEET, "Invalid tweet", detail);
    problem.setProperty("errors", errors);
    return new ProblemException(problem, "invalid", tweets, HttpHeaders.EMPTY);
  }

  static ProblemException malformed(String message) {
    ProblemDetail problem =
        problem(HttpStatus.BAD_REQUEST, MALFORMED_JSON, "Malformed JSON", message);
    problem.setProperty("errors", List.of(new FieldError("$", message)));
    return new ProblemException(problem, "malformed", 1, HttpHeaders.EMPTY);
  }

  static ProblemException tooLarge(String detail, int tweets) {
    ProblemDetail problem =
        problem(HttpStatus.CONTENT_TOO_LARGE, CONTENT_TOO_LARGE, "Content too large", detail);
    return new ProblemException(problem, "too_large", tweets, HttpHeaders.EMPTY);
  }

  /** The client sent more than its share; nothing of the request was read. */
  static ProblemException rateLimited(IngressProperties.RateLimit limit, long retryAfterSeconds) {
    ProblemDetail problem =
        problem(
            HttpStatus.TOO_MANY_REQUESTS,
            RATE_LIMITED,
            "Too many requests",
            "This client may send "
                + limit.requests()
                + " requests per "
                + limit.period().toMillis()
                + " ms (bursts of "
                + limit.burst()
                + "); retry after "
                + retryAfterSeconds
                + " s");
    problem.setProperty("retryAfterSeconds", retryAfterSeconds);
    return new ProblemException(problem, "rate_limited", 1, retryAfter(retryAfterSeconds));
  }

  /**
   * Every in-flight slot is taken: refused at once so overload costs no memory; nothing of the
   * request was read.
   *
   * @param limit what the ingress is at its maximum of, e.g. {@code "256 requests"}
   */
  static ProblemException overloaded(String limit, Duration retryAfter) {
    long seconds = seconds(retryAfter);
    ProblemDetail problem =
        problem(
            HttpStatus.SERVICE_UNAVAILABLE,
            OVERLOADED,
            "Overloaded",
            "The ingress is handling its maximum of " + limit + "; retry after " + seconds + " s");
    problem.setProperty("retryAfterSeconds", seconds);
    return new ProblemException(problem, "overloaded", 1, retryAfter(seconds));
  }

  private static long seconds(Duration retryAfter) {
    return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }

  private static HttpHeaders retryAfter(long seconds) {
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    return headers;
  }

  /**
   * A gateway judged a tweet invalid that the ingress let through: the contracts disagree, retrying
   * will not help.
   */
  static ProblemException rejectedByGateway(ForwardResult result, List<Tweet> tweets) {
    Map<TweetPath, Status> invalid = new LinkedHashMap<>(result.failures());
    invalid.values().removeIf(s -> s.getCode() != Status.Code.INVALID_ARGUMENT);
    String detail =
        invalid.entrySet().stream()
            .map(
                e ->
                    "the "
                        + e.getKey().id()
                        + " gateway rejected the request: "
                        + e.getValue().getDescription())
            .collect(Collectors.joining("; "));
    ProblemDetail problem =
        problem(HttpStatus.BAD_REQUEST, REJECTED_BY_GATEWAY, "Rejected by gateway", detail);
    describeForward(problem, result, tweets);
    return new ProblemException(problem, "gateway_invalid", tweets.size(), HttpHeaders.EMPTY);
  }

  /**
   * Some targeted gateway did not acknowledge: the client must retry. The body carries the ids and
   * event times the ingress assigned, so the retry is the same tweet and the paths that already
   * have it count it once.
   */
  static ProblemException unavailable(
      ForwardResult result, List<Tweet> tweets, Duration retryAfter) {
    String failed =
        result.failures().entrySet().stream()
            .map(
                e ->
                    e.getKey().id()
                        + " ("
                        + e.getValue().getCode()
                        + (e.getValue().getDescription() == null
                            ? ""
                            : ": " + brief(e.getValue().getDescription()))
                        + ")")
            .collect(Collectors.joining(", "));
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    String detail =
        (tweets.size() == 1 ? "The tweet was" : "The " + tweets.size() + " tweets were")
            + " not acknowledged by every targeted gateway: "
            + failed
            + ". Retry after "
            + seconds
            + " s with the same id"
            + (tweets.size() == 1 ? "" : "s")
            + " and timestamp"
            + (tweets.size() == 1 ? "" : "s")
            + ".";
    ProblemDetail problem =
        problem(HttpStatus.SERVICE_UNAVAILABLE, GATEWAY_UNAVAILABLE, "Gateway unavailable", detail);
    describeForward(problem, result, tweets);
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    return new ProblemException(problem, "unavailable", tweets.size(), headers);
  }

  private static void describeForward(
      ProblemDetail problem, ForwardResult result, List<Tweet> tweets) {
    problem.setProperty(
        "failedPaths", result.failures().keySet().stream().sorted().map(TweetPath::id).toList());
    problem.setProperty(
        "acknowledgedPaths", result.acknowledged().stream().map(TweetPath::id).toList());
    problem.setProperty(
        "failures",
        result.failures().entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(
                e ->
                    new PathFailure(
                        e.getKey().id(),
                        e.getValue().getCode().name(),
                        brief(e.getValue().getDescription())))
            .toList());
    if (tweets.size() == 1) {
      problem.setProperty("id", tweets.getFirst().getId());
      problem.setProperty(
          "timestamp", Instant.ofEpochMilli(tweets.getFirst().getEventTimeMs()).toString());
    } else {
      problem.setProperty("ids", tweets.stream().map(Tweet::getId).toList());
      problem.setProperty(
          "timestamps",
          tweets.stream().map(t -> Instant.ofEpochMilli(t.getEventTimeMs()).toString()).toList());
    }
  }

  /**
   * gRPC descriptions can carry pages of transport diagnostics (logged by the forwarder); clients
   * get the gist.
   */
  private static String brief(String description) {
    if (description == null) {
      return null;
    }
    int end = description.indexOf(". ");
    String first = end > 0 ? description.substring(0, end) : description;
    return first.length() > 200 ? first.substring(0, 197) + "..." : first;
  }

  private static ProblemDetail problem(HttpStatus status, URI type, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(type);
    problem.setTitle(title);
    return problem;
  }

  /** One gateway that did not acknowledge: its path, gRPC status code and message. */
  record PathFailure(String path, String status, String message) {}
}
