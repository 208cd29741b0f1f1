package io.weathertweets.loadgen.report;

import java.util.List;

/**
 * The verification of one aggregation path.
 *
 * @param path {@code kafka} (Redis) or {@code rabbit} (Valkey)
 * @param store where the figures were read: the store's URL, or the ingress's {@code /api/stores}
 * @param verdict PASS, FAILED, or UNVERIFIED when no quiet baseline could be taken (nothing was
 *     compared)
 * @param verified {@code verdict == PASS}
 * @param visibleAfterMs from the end of sending until the store accounted for every accepted tweet;
 *     -1 when it never did within the timeout, or was not checked
 * @param tweetsTotalDelta growth of {@code meta.tweets_total} since before the run (last value
 *     read)
 * @param countSumDelta growth of the sum of the per-municipality counts since before the run
 * @param problems what still did not match at the end (FAILED), or why the path was not checked
 *     (UNVERIFIED); empty when verified
 */
public record PathResult(
    String path,
    String store,
    Verdict verdict,
    boolean verified,
    long visibleAfterMs,
    long tweetsTotalDelta,
    long countSumDelta,
    List<String> problems) {

  public enum Verdict {
    PASS,
    FAILED,
    UNVERIFIED
  }

  public PathResult {
    verified = verdict == Verdict.PASS;
  }

  /** A compared path: PASS when verified, else FAILED. */
  public PathResult(
      String path,
      String store,
      boolean verified,
      long visibleAfterMs,
      long tweetsTotalDelta,
      long countSumDelta,
      List<String> problems) {
    this(
        path,
        store,
        verified ? Verdict.PASS : Verdict.FAILED,
        verified,
        visibleAfterMs,
        tweetsTotalDelta,
        countSumDelta,
        problems);
  }

  /**
   * A path whose store was never quiet enough for a baseline: nothing compared, nothing claimed.
   */
  public static PathResult unverified(String path, String store, String why) {
    return new PathResult(path, store, Verdict.UNVERIFIED, false, -1, 0, 0, List.of(why));
  }
}
