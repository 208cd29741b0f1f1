package io.weathertweets.ingress.forward;

import java.util.List;

/** Which gateways receive every tweet ({@code INGRESS_ROUTING}). */
public enum Routing {
  /** Every tweet to both paths, so they can be compared side by side. */
  FANOUT(List.of(Path.KAFKA, Path.RABBIT)),
  KAFKA(List.of(Path.KAFKA)),
  RABBIT(List.of(Path.RABBIT));

  private final List<Path> paths;

  Routing(List<Path> paths) {
    this.paths = paths;
  }

  public List<Path> paths() {
    return paths;
  }
}
