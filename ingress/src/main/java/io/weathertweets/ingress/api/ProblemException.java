package io.weathertweets.ingress.api;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;

/**
 * A request the ingress refuses, carrying the RFC 9457 body to answer with. Thrown from the
 * controller, turned into the response (and counted) in one place, {@link ApiExceptionHandler}.
 */
final class ProblemException extends RuntimeException {
  private final transient ProblemDetail problem;
  private final String reason;
  private final int tweets;
  private final transient HttpHeaders headers;

  /**
   * @param reason the {@code reason} tag of {@code weather.tweets.rejected}
   * @param tweets how many tweets the request carried (1 when the body could not be read as tweets)
   */
  ProblemException(ProblemDetail problem, String reason, int tweets, HttpHeaders headers) {
    super(problem.getDetail(), null, false, false);
    this.problem = problem;
    this.reason = reason;
    this.tweets = tweets;
    this.headers = headers;
  }

  ProblemDetail problem() {
    return problem;
  }

  String reason() {
    return reason;
  }

  int tweets() {
    return tweets;
  }

  HttpHeaders headers() {
    return headers;
  }
}
