package io.weathertweets.loadgen.report;

import java.util.List;

/**
 * The verification of one aggregation path.
 *
 * @param path {@code kafka} (Redis) or {@code rabbit} (Valkey)
 * @param store the URL that was read
 * @param visibleAfterMs from the end of sending until the store accounted for every accepted tweet;
 *     -1 when it never did within the timeout
 * @param tweetsTotalDelta growth of {@code meta.tweets_total} since before the run (last value read)
 * @param countSumDelta growth of the sum of the per-municipality counts since before the run
 * @param problems what still did not match at the end; empty when verified
 */
public record PathResult(String path, String store, boolean verified, long visibleAfterMs, long tweetsTotalDelta,
    long countSumDelta, List<String> problems) {}
