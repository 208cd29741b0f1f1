package io.weathertweets.streams.store;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import io.weathertweets.aggregates.RetryUntilStopped;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.streams.topology.PipelineMetrics;
import io.weathertweets.streams.topology.StoreSink;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the store layout into Redis. Each call is one pipelined round trip (RBatch) of overwrites
 * derived from complete state, so a replay after a crash writes the same figures again. The series
 * append is the one non-overwrite; a Lua script turns a re-emitted window into a no-op.
 *
 * <p>When Redis is unreachable the call retries with backoff ({@link RetryUntilStopped}) and logs
 * every failure: the stream thread waits rather than skipping an update. Once {@link #stop()} was
 * called (shutdown), a failing write throws instead, so that shutdown is not held up; exactly-once
 * then replays the uncommitted work on restart.
 */
public final class RedisStoreSink implements StoreSink {
  private static final Logger log = LoggerFactory.getLogger(RedisStoreSink.class);

  /**
   * KEYS[1] = stream; ARGV[1] = MAXLEN, ARGV[2] = window start ms, ARGV[3..] = field, value, ...
   * XADD refuses an ID not greater than the stream's last one; that is exactly a replayed window,
   * so it is answered 0 (no-op) while any other error still fails the write.
   */
  static final String APPEND_SERIES =
      """
      local added = redis.pcall('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], ARGV[2] .. '-0', unpack(ARGV, 3))
      if type(added) == 'table' and added.err then
        if string.find(added.err, 'equal or smaller', 1, true) then
          return 0
        end
        return redis.error_reply(added.err)
      end
      return 1
      """;

  /**
   * Overwrites a group of hashes only if it is not older than what the store holds. KEYS[1] holds
   * the version in field ARGV[1]; ARGV[2] = this write's version; ARGV[3] = expiry in ms (0: none);
   * then, for each key, the number of its field/value pairs followed by the pairs. Versions are
   * counts, which only grow for a key (a window's count, a municipality's count, the total), so a
   * fenced or paused instance, or a task that lost its state, can never replace newer figures: the
   * write is answered 0 and skipped.
   */
  static final String WRITE_IF_NOT_OLDER =
      """
      local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]))
      if current and current > tonumber(ARGV[2]) then
        return 0
      end
      local a = 4
      for i = 1, #KEYS do
        local n = tonumber(ARGV[a])
        if n > 0 then
          redis.call('HSET', KEYS[i], unpack(ARGV, a + 1, a + 2 * n))
        end
        a = a + 1 + 2 * n
        if ARGV[3] ~= '0' then
          redis.call('PEXPIRE', KEYS[i], ARGV[3])
        end
      end
      return 1
      """;

  private final RedissonClient client;
  private final StoreLayout layout;
  private final WindowSpec window;
  private final Duration windowTtl;
  private final int seriesMaxLength;
  private final PipelineMetrics metrics;
  private final Clock clock;
  private final String redisName;
  private final RetryUntilStopped retry;

  public RedisStoreSink(
      RedissonClient client,
      StoreLayout layout,
      WindowSpec window,
      Duration windowTtl,
      int seriesMaxLength,
      PipelineMetrics metrics,
      Clock clock,
      Duration initialBackoff,
      Duration maxBackoff,
      String redisName) {
    this.client = client;
    this.layout = layout;
    this.window = window;
    this.windowTtl = windowTtl;
    this.seriesMaxLength = seriesMaxLength;
    this.metrics = metrics;
    this.clock = clock;
    this.retry = new RetryUntilStopped(initialBackoff, maxBackoff);
    this.redisName = redisName;
  }

  @Override
  public void writeAllTime(Municipality m, Aggregate aggregate) {
    Map<String, String> fields = new LinkedHashMap<>(aggregate.toFields());
    fields.put("updated_at", Long.toString(clock.millis()));
    writeIfNotOlder(
        "all-time hash of " + m.id(),
        "count",
        aggregate.count(),
        Duration.ZERO,
        Map.of(layout.municipality(m), fields));
  }

  @Override
  public void writeOverview(Overview overview) {
    Map<String, Map<String, String>> hashes = new LinkedHashMap<>(overview.panelHashes(layout));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("tweets_total", Long.toString(overview.tweetsTotal()));
    meta.put("last_event_at", Long.toString(overview.lastEventMs()));
    meta.put("window_size_ms", Long.toString(window.sizeMs()));
    meta.put("grace_ms", Long.toString(window.graceMs()));
    meta.put("path", PipelineMetrics.PATH);
    meta.put("e2e_p50_ms", Long.toString(metrics.endToEndPercentileMs(0.5)));
    meta.put("e2e_p99_ms", Long.toString(metrics.endToEndPercentileMs(0.99)));
    meta.put("updated_at", Long.toString(clock.millis()));
    // The meta hash goes first: its tweets_total is the version of the whole group. Only
    // municipalities with
    // tweets have fields; fields once written are overwritten, never removed.
    Map<String, Map<String, String>> group = new LinkedHashMap<>();
    group.put(layout.meta(), meta);
    group.putAll(hashes);
    writeIfNotOlder(
        "overview hashes", "tweets_total", overview.tweetsTotal(), Duration.ZERO, group);
  }

  @Override
  public void writeWindow(Municipality m, long windowStartMs, Aggregate aggregate) {
    String key = layout.window(m, windowStartMs);
    Map<String, String> fields = new LinkedHashMap<>(aggregate.toFields());
    fields.put("updated_at", Long.toString(clock.millis()));
    writeIfNotOlder(
        "window hash " + key, "count", aggregate.count(), windowTtl, Map.of(key, fields));
  }

  private void writeIfNotOlder(
      String what,
      String versionField,
      long version,
      Duration ttl,
      Map<String, Map<String, String>> hashes) {
    List<Object> keys = new ArrayList<>(hashes.keySet());
    List<Object> args = new ArrayList<>();
    args.add(versionField);
    args.add(Long.toString(version));
    args.add(Long.toString(ttl.toMillis()));
    hashes
        .values()
        .forEach(
            fields -> {
              args.add(Integer.toString(fields.size()));
              fields.forEach(
                  (field, value) -> {
                    args.add(field);
                    args.add(value);
                  });
            });
    List<?> answers =
        execute(
            what,
            batch ->
                batch
                    .getScript(StringCodec.INSTANCE)
                    .evalAsync(
                        (String) keys.getFirst(),
                        RScript.Mode.READ_WRITE,
                        WRITE_IF_NOT_OLDER,
                        RScript.ReturnType.LONG,
                        keys,
                        args.toArray()));
    if (!answers.isEmpty() && Long.valueOf(0).equals(answers.getFirst())) {
      metrics.staleWriteSkipped();
      log.warn(
          "Not writing {} with {} {}: Redis holds newer figures (a replay after an aborted transaction, another "
              + "instance, or a task that lost its state). Nothing is lost; if this repeats outside replays, check for a "
              + "second streams-app with the same application id.",
          what,
          versionField,
          version);
    }
  }

  @Override
  public void appendSeries(Municipality m, long windowStartMs, Aggregate aggregate) {
    List<Object> args = new ArrayList<>();
    args.add(Integer.toString(seriesMaxLength));
    args.add(Long.toString(windowStartMs));
    aggregate
        .toFields()
        .forEach(
            (field, value) -> {
              args.add(field);
              args.add(value);
            });
    execute(
        "series entry " + layout.series(m) + " " + windowStartMs + "-0",
        batch ->
            batch
                .getScript(StringCodec.INSTANCE)
                .evalAsync(
                    layout.series(m),
                    RScript.Mode.READ_WRITE,
                    APPEND_SERIES,
                    RScript.ReturnType.LONG,
                    List.of(layout.series(m)),
                    args.toArray()));
  }

  /** From now on a failing write throws instead of retrying, so that shutdown is not held up. */
  public void stop() {
    retry.stop();
  }

  private List<?> execute(String what, Consumer<RBatch> commands) {
    long started = System.nanoTime();
    List<?> responses;
    try {
      responses =
          retry.run(
              () -> {
                RBatch batch = client.createBatch(BatchOptions.defaults());
                commands.accept(batch);
                return batch.execute().getResponses();
              },
              (attempt, failure, retryIn) ->
                  log.warn(
                      "Redis write of {} failed (attempt {}): {}. Retrying in {} ms; "
                          + "processing of this partition waits meanwhile and nothing is skipped. Check that Redis at {} is up "
                          + "and reachable.",
                      what,
                      attempt,
                      failure.toString(),
                      retryIn.toMillis(),
                      redisName),
              attempts ->
                  log.info("Redis write of {} succeeded after {} attempts", what, attempts));
    } catch (RetryUntilStopped.Stopped e) {
      if (e.interrupted()) {
        throw new StoreUnavailableException(
            "interrupted while waiting to retry the Redis write of " + what, e.getCause());
      }
      throw new StoreUnavailableException(
          "Redis write of "
              + what
              + " failed during shutdown; it is replayed "
              + "from the last Kafka commit on restart",
          e.getCause());
    }
    metrics.storeWrite().record(Duration.ofNanos(System.nanoTime() - started));
    return responses;
  }

  /**
   * Thrown only when a write cannot be retried any more (shutdown); the task is aborted and
   * replayed later.
   */
  public static final class StoreUnavailableException extends RuntimeException {
    StoreUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
