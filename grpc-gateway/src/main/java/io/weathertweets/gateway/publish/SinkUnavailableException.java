package io.weathertweets.gateway.publish;

/**
 * The broker did not acknowledge a tweet: not reachable, timed out, refused (nack), or had nowhere
 * to route it. Callers retry the whole request with the same ids; the aggregation paths drop
 * duplicates by id.
 */
public class SinkUnavailableException extends RuntimeException {
  private final String sink;

  public SinkUnavailableException(String sink, String message, Throwable cause) {
    super(sink + ": " + message, cause);
    this.sink = sink;
  }

  public String sink() {
    return sink;
  }
}
