package io.weathertweets.ingress.forward;

import io.weathertweets.aggregates.TweetPath;
import java.util.List;

/** Which gateways receive every tweet ({@code INGRESS_ROUTING}). */
public enum Routing {
  /** Every tweet to both paths, so they can be compared side by side. */
  FANOUT(List.of(TweetPath.KAFKA, TweetPath.RABBIT)),
  KAFKA(List.of(TweetPath.KAFKA)),
  RABBIT(List.of(TweetPath.RABBIT));

  private final List<TweetPath> paths;

  Routing(List<TweetPath> paths) {
    this.paths = paths;
  }

  public List<TweetPath> paths() {
    return paths;
  }
}
