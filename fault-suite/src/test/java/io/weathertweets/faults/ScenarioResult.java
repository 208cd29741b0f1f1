package io.weathertweets.faults;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one scenario did and what the stores showed afterwards.
 *
 * @param duplicatesKafka duplicates the Kafka path's dedup suppressed during the scenario (a lower
 *     bound when the streams app was restarted: its counter starts again at 0); {@code -1} when not
 *     readable
 * @param problems empty when nothing was lost, nothing counted twice and every refusal was a clear
 *     503/429
 * @param loadNote what the load was, when it was not one fixed rate for {@code loadDuration}; else
 *     null
 */
record ScenarioResult(
    String scenario,
    String fault,
    int rate,
    int batchSize,
    Duration loadDuration,
    long sent,
    long requests,
    long retries,
    Map<String, Long> answers,
    long accepted,
    long kafkaCounted,
    long kafkaTweetsTotal,
    long rabbitCounted,
    long rabbitTweetsTotal,
    double duplicatesKafka,
    double duplicatesRabbit,
    Duration wallTime,
    Duration convergence,
    List<String> problems,
    String loadNote) {

  boolean passed() {
    return problems.isEmpty();
  }
}
