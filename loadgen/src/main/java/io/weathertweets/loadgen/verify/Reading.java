package io.weathertweets.loadgen.verify;

/**
 * One path's figures at one moment, with what its consumer says about its backlog.
 *
 * @param figures {@code null} when the store could not be read
 * @param lag tweets the path's consumer reported as not yet processed; {@code null} when it reports
 *     none (no report, or its broker could not be asked)
 * @param stalled why the consumer counts as stopped, {@code null} while it does not
 * @param error why the figures could not be read, {@code null} when they were
 */
public record Reading(StoreSnapshot figures, Long lag, String stalled, String error) {

  public static Reading of(StoreSnapshot figures, Long lag, String stalled) {
    return new Reading(figures, lag, stalled, null);
  }

  public static Reading failed(String error) {
    return new Reading(null, null, null, error);
  }

  public boolean readable() {
    return figures != null;
  }
}
