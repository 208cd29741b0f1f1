package io.weathertweets.bridge.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weathertweets.aggregates.Meters;
import io.weathertweets.aggregates.TweetPath;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Valkey must confirm before the bridge acknowledges a batch to RabbitMQ ({@code
 * weather.store.durability}, {@code WEATHER_STORE_DURABILITY}):
 *
 * <ul>
 *   <li>{@code none}: the script's reply, i.e. the batch is in Valkey's memory. A crash of the
 *       Valkey node (not only of its process) or a promotion of an asynchronous replica loses
 *       acknowledged batches.
 *   <li>{@code local-aof}: {@code WAITAOF 1 0} answered 1, i.e. Valkey fsynced its append-only file
 *       past the batch.
 *   <li>{@code replicas}: {@code WAITAOF 1 N} answered 1 and at least N, i.e. the local AOF and the
 *       AOF of N replicas hold the batch, so promoting one of those replicas loses nothing
 *       acknowledged. Each batch then waits up to a second (see {@link #REPLICAS_MIN_TIMEOUT}).
 *   <li>{@code auto} (the default): {@code local-aof} when Valkey fsyncs its append-only file on
 *       every write ({@code appendonly yes}, {@code appendfsync always}; or appendfsync not
 *       readable and WAITAOF accepted), else {@code none} with a warning saying why and what to
 *       change. With {@code appendfsync everysec} a batch would wait up to a second for the next
 *       fsync (100 to 200 ms measured on Valkey 8.0.1, whose WAITAOF moreover confirms before the
 *       fsync in that mode), so auto does not wait there.
 * </ul>
 *
 * <p>The mode is decided once, at start-up when Valkey answers, else at the first batch: from
 * {@code CONFIG GET append*}, else (when the ACL forbids CONFIG) from {@code INFO persistence}, and
 * always by one {@code WAITAOF} probe, which is what every later batch relies on and which an ACL
 * may allow where both others are forbidden (the k8s writer user). An explicit {@code local-aof} or
 * {@code replicas} that the server cannot give (no append-only file, {@code appendfsync no}, a
 * server older than 7.2, WAITAOF forbidden) is refused with an explanation instead of being retried
 * forever: at start-up the bridge does not start, later every batch stays unacknowledged in the
 * queue and the log says what to change.
 *
 * <p>A WAITAOF answer below what the mode requires (its timeout passed) counts as a failed write:
 * the batch is not acknowledged and is applied again, which the script's replay guard turns into no
 * change.
 */
public final class StoreDurability {
  private static final Logger log = LoggerFactory.getLogger(StoreDurability.class);
  static final String SETTING = "weather.store.durability";

  /**
   * Why {@code appendfsync everysec} and WAITAOF do not go together: measured on Valkey 8.0.1 with
   * the script, the mark and WAITAOF in one pipeline (against 3 ms with {@code always}); Valkey 8.0
   * also counts data written in the last second as fsynced under everysec (the bug fixed in Redis
   * by redis/redis#13793), so the wait buys nothing.
   */
  static final String EVERYSEC_COST =
      "100 to 200 ms (up to a second), and Valkey 8.0 answers WAITAOF before the "
          + "fsync in that mode anyway (redis/redis#13793)";

  /**
   * The shortest WAITAOF timeout {@code replicas} accepts. A Valkey 8.0 replica reports what its
   * append-only file holds in the acknowledgement it sends once a second; its answer to the
   * primary's request for an immediate one is sent before it fsyncs the write. So a batch waits up
   * to a second for its confirmation (measured on Valkey 8.0.1: 1,005 ms for every write and {@code
   * WAITAOF 1 1} sent back to back, 190 to 930 ms with random gaps). Under a second most attempts
   * time out and are applied again; a retry every half second with 300 ms timeouts missed every
   * acknowledgement for over 40 s. Two seconds leave a second of headroom.
   */
  static final Duration REPLICAS_MIN_TIMEOUT = Duration.ofSeconds(2);

  /** Valkey's refusal of WAITAOF 1 x x on a server without an append-only file. */
  static final String AOF_DISABLED = "appendonly is disabled";

  public enum Mode {
    AUTO,
    NONE,
    LOCAL_AOF,
    REPLICAS;

    /** As written in bridge.yml and WEATHER_STORE_DURABILITY. */
    public String setting() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * What Valkey said about its append-only file; null where it would not say (ACL) or was not
   * asked.
   *
   * @param appendonly {@code appendonly} (CONFIG GET) or {@code aof_enabled} (INFO persistence)
   * @param appendfsync {@code always}, {@code everysec} or {@code no}; CONFIG GET only
   * @param source where {@code appendonly} came from, for the log
   * @param waitaofRefusal the error WAITAOF answered with, else null
   * @param probeLocal the probe's WAITAOF answer: 1 when the local AOF was fsynced in time
   * @param probeReplicas replicas that confirmed the probe in time
   */
  record Facts(
      Boolean appendonly,
      String appendfsync,
      String source,
      String waitaofRefusal,
      Long probeLocal,
      Long probeReplicas) {}

  /** The mode in force and what to say about it once. */
  record Decision(Mode mode, boolean warn, String message) {}

  /**
   * Thrown for an explicit mode the server cannot give: no batch can be acknowledged until it
   * changes.
   */
  public static final class UnavailableException extends RedisException {
    UnavailableException(String message) {
      super(message);
    }
  }

  /** The server answered WAITAOF with an error (no append-only file, ACL, unknown command). */
  static final class WaitaofRefusedException extends RedisException {
    WaitaofRefusedException(String message) {
      super(message);
    }
  }

  /**
   * Thrown when WAITAOF answered, but with less than the mode requires: the batch is not
   * acknowledged.
   */
  public static final class NotConfirmedException extends RedisException {
    NotConfirmedException(String message) {
      super(message);
    }
  }

  private final RedissonClient client;
  private final Mode requested;
  private final int replicas;
  private final Duration timeout;
  private final String where;
  private final Counter timedOut;
  private final Counter refused;
  private volatile Mode mode;
  private volatile String described = "undecided: Valkey has not answered yet";

  /**
   * @param replicas for {@code replicas}: how many replicas' AOF must hold the batch (ignored
   *     otherwise)
   * @param timeout WAITAOF's own timeout; longer waits count as a failed write
   * @param where the store, for the log (a URL without its password)
   */
  public StoreDurability(
      RedissonClient client,
      Mode requested,
      int replicas,
      Duration timeout,
      String where,
      MeterRegistry meters) {
    requireValid(requested, replicas, timeout);
    this.client = client;
    this.requested = requested;
    this.replicas = requested == Mode.REPLICAS ? replicas : 0;
    this.timeout = timeout;
    this.where = where;
    this.timedOut =
        Counter.builder("weather.store.durability.failures")
            .tag(Meters.PATH, TweetPath.RABBIT.id())
            .tag(Meters.REASON, "not-confirmed")
            .description(
                "Batches Valkey applied but did not confirm durable in time "
                    + "(WAITAOF below the required count); not acknowledged, applied again")
            .register(meters);
    this.refused =
        Counter.builder("weather.store.durability.failures")
            .tag(Meters.PATH, TweetPath.RABBIT.id())
            .tag(Meters.REASON, "refused")
            .description(
                "Batches whose WAITAOF Valkey refused (append-only file off, ACL, "
                    + "old server); not acknowledged")
            .register(meters);
    if (requested == Mode.NONE) {
      mode = Mode.NONE;
      described = Mode.NONE.setting();
    }
  }

  /**
   * Refuses settings under which batches could never, or only rarely, be confirmed. Called when
   * {@code weather.store.*} is bound, so that a bad setting stops the start with Spring Boot's
   * failure report naming the property, and again by the constructor.
   *
   * @throws IllegalArgumentException naming the setting, its environment variable and the reason
   */
  public static void requireValid(Mode requested, int replicas, Duration timeout) {
    if (timeout == null) {
      throw new IllegalArgumentException(
          "weather.store.durability-timeout (WEATHER_STORE_DURABILITY_TIMEOUT) must be set");
    }
    if (timeout.toMillis() <= 0) {
      throw new IllegalArgumentException(
          "weather.store.durability-timeout (WEATHER_STORE_DURABILITY_TIMEOUT) must be "
              + "positive, was "
              + timeout.toMillis()
              + " ms (WAITAOF with timeout 0 waits forever)");
    }
    if (requested == Mode.REPLICAS && replicas < 1) {
      throw new IllegalArgumentException(
          "weather.store.durability=replicas needs weather.store.durability-replicas "
              + "(WEATHER_STORE_DURABILITY_REPLICAS) of at least 1, was "
              + replicas);
    }
    if (requested == Mode.REPLICAS && timeout.compareTo(REPLICAS_MIN_TIMEOUT) < 0) {
      throw new IllegalArgumentException(
          "weather.store.durability=replicas needs weather.store.durability-timeout "
              + "(WEATHER_STORE_DURABILITY_TIMEOUT) of at least "
              + REPLICAS_MIN_TIMEOUT.toSeconds()
              + "s, was "
              + timeout.toMillis()
              + " ms: Valkey replicas report their append-only file to the primary once a "
              + "second, so a batch waits up to a second for its confirmation; with a shorter "
              + "timeout most batches time out and are applied again, and the RabbitMQ path slows "
              + "down or stalls");
    }
  }

  /** Acknowledge on the script's reply; for tests and tools that apply batches without a bridge. */
  public static StoreDurability none() {
    return new StoreDurability(
        null, Mode.NONE, 0, Duration.ofSeconds(1), "(none)", new SimpleMeterRegistry());
  }

  public Mode requested() {
    return requested;
  }

  /** Replicas WAITAOF must count: 0 unless the mode is {@code replicas}. */
  int replicas() {
    return replicas;
  }

  Duration timeout() {
    return timeout;
  }

  /** For health details: the mode in force and why. */
  public String describe() {
    return described;
  }

  /**
   * The mode in force, deciding it on the first call that reaches Valkey.
   *
   * @throws UnavailableException when an explicit mode cannot be given by this server
   * @throws RedisException when Valkey cannot be asked now (the caller retries)
   */
  Mode mode(Probe probe) {
    Mode decided = mode;
    if (decided != null) {
      return decided;
    }
    synchronized (this) {
      if (mode == null) {
        decided(decide(requested, replicas, inspect(probe), where));
      }
      return mode;
    }
  }

  /**
   * Start-up check: decides the mode if Valkey answers now. Valkey being away is no reason not to
   * start (the bridge reports it on health and batches wait); an explicit mode this server cannot
   * give is.
   */
  public void checkAtStartup(Probe probe) {
    if (requested == Mode.NONE) {
      log.info(
          "Acknowledging batches once Valkey at {} holds them in memory ({}): a crash of the Valkey node "
              + "or a promotion of a replica can lose acknowledged tweets",
          where,
          setting(Mode.NONE));
      return;
    }
    try {
      mode(probe);
    } catch (UnavailableException e) {
      throw e;
    } catch (RedisConnectionException | RedisTimeoutException e) {
      log.info(
          "Valkey at {} does not answer yet ({}); {} is decided at the first batch",
          where,
          e.getMessage(),
          setting(requested));
    } catch (RedisException e) {
      log.warn(
          "Could not ask Valkey at {} about its append-only file ({}); {} is decided at the first batch",
          where,
          e.toString(),
          setting(requested));
    }
  }

  /**
   * Checks a WAITAOF answer {@code [local, replicas]} against the mode; throws when it falls short.
   */
  void confirm(Mode mode, List<?> answer, int tweets) {
    long local = answer.isEmpty() ? 0 : ((Number) answer.get(0)).longValue();
    long acked = answer.size() < 2 ? 0 : ((Number) answer.get(1)).longValue();
    if (local >= 1 && acked >= replicas) {
      return;
    }
    timedOut.increment();
    String missing = local < 1 ? "Valkey's own AOF fsync" : "";
    if (acked < replicas) {
      missing +=
          (missing.isEmpty() ? "" : " and ")
              + "the AOF of "
              + replicas
              + " replica(s) ("
              + acked
              + " confirmed)";
    }
    String message =
        "Valkey applied a batch of "
            + tweets
            + " tweets but did not confirm "
            + missing
            + " within "
            + timeout.toMillis()
            + " ms ("
            + setting(mode)
            + "); not acknowledging it, it will be "
            + "applied again (the replay guard makes that change nothing)";
    log.warn(
        "{}. {}",
        message,
        local < 1
            ? "Check Valkey's disk (INFO persistence: aof_last_write_status) and that it runs with appendfsync always"
            : "Check that the replicas are connected (INFO replication) and run with appendonly yes");
    throw new NotConfirmedException(message);
  }

  /**
   * WAITAOF was refused after the mode was decided (the server's configuration changed, or a
   * failover reached a node without an append-only file): decide again at the next batch, and fail
   * this one.
   */
  NotConfirmedException refused(Mode mode, RedisException refusal) {
    refused.increment();
    synchronized (this) {
      this.mode = null;
      described = "undecided: WAITAOF refused (" + serverError(refusal.getMessage()) + ")";
    }
    String message =
        "Valkey at "
            + where
            + " refused WAITAOF ("
            + serverError(refusal.getMessage())
            + ") while "
            + setting(mode)
            + "; the batch is not acknowledged, the mode is decided again at the next attempt";
    log.warn(message);
    return new NotConfirmedException(message);
  }

  private void decided(Decision decision) {
    mode = decision.mode();
    described =
        decision.mode().setting()
            + (requested == decision.mode() ? "" : " (" + requested.setting() + ")");
    if (decision.warn()) {
      log.warn(decision.message());
    } else {
      log.info(decision.message());
    }
  }

  /**
   * The append-only file as far as this server tells; runs the WAITAOF probe unless the AOF is
   * known off.
   */
  private Facts inspect(Probe probe) {
    Boolean appendonly = null;
    String appendfsync = null;
    String source = null;
    RedisNode node = client.getRedisNodes(RedisNodes.SINGLE).getInstance();
    try {
      Map<String, String> config = node.getConfig("append*");
      if (config.containsKey("appendonly")) {
        appendonly = "yes".equalsIgnoreCase(config.get("appendonly"));
        appendfsync = config.get("appendfsync");
        source = "CONFIG GET";
      }
    } catch (RedisConnectionException | RedisTimeoutException e) {
      throw e;
    } catch (RedisException e) {
      // Production ACLs forbid CONFIG (@admin, @dangerous); INFO may be allowed.
      log.debug("CONFIG GET append* refused by Valkey at {}: {}", where, e.getMessage());
    }
    if (appendonly == null) {
      try {
        String enabled = node.info(RedisNode.InfoSection.PERSISTENCE).get("aof_enabled");
        if (enabled != null) {
          appendonly = "1".equals(enabled.trim());
          source = "INFO persistence";
        }
      } catch (RedisConnectionException | RedisTimeoutException e) {
        throw e;
      } catch (RedisException e) {
        log.debug("INFO persistence refused by Valkey at {}: {}", where, e.getMessage());
      }
    }
    if (Boolean.FALSE.equals(appendonly) || "no".equalsIgnoreCase(appendfsync)) {
      return new Facts(appendonly, appendfsync, source, null, null, null);
    }
    try {
      List<?> answer = probe.waitaof(replicas);
      return new Facts(
          appendonly,
          appendfsync,
          source,
          null,
          answer.isEmpty() ? 0L : ((Number) answer.get(0)).longValue(),
          answer.size() < 2 ? 0L : ((Number) answer.get(1)).longValue());
    } catch (WaitaofRefusedException e) {
      boolean aofOff = e.getMessage() != null && e.getMessage().contains(AOF_DISABLED);
      return new Facts(
          aofOff ? Boolean.FALSE : appendonly,
          appendfsync,
          aofOff ? "WAITAOF" : source,
          serverError(e.getMessage()),
          null,
          null);
    }
  }

  /**
   * The decision table, apart from Valkey: what {@code requested} means on a server with these
   * facts.
   *
   * @throws UnavailableException for an explicit mode the server cannot give
   */
  static Decision decide(Mode requested, int replicas, Facts facts, String where) {
    if (requested == Mode.NONE) {
      return new Decision(
          Mode.NONE,
          false,
          "Acknowledging batches once Valkey holds them in memory (" + setting(Mode.NONE) + ")");
    }
    String cannot = cannot(facts);
    if (cannot != null) {
      if (requested == Mode.AUTO) {
        return new Decision(
            Mode.NONE,
            true,
            "Valkey at "
                + where
                + " "
                + cannot
                + ". "
                + setting(Mode.AUTO)
                + " therefore acknowledges a batch as soon as Valkey holds it in memory: a crash of the Valkey node or a "
                + "replica promotion can lose acknowledged tweets. "
                + remedy(facts)
                + " and restart the bridge, or set "
                + "WEATHER_STORE_DURABILITY=none to accept this and silence the warning.");
      }
      throw new UnavailableException(
          setting(requested)
              + ", but Valkey at "
              + where
              + " "
              + cannot
              + ", so no batch could ever be acknowledged. "
              + remedy(facts)
              + ", or set WEATHER_STORE_DURABILITY=auto "
              + "(acknowledge in memory, with a warning) or none.");
    }
    boolean everysec = "everysec".equalsIgnoreCase(facts.appendfsync());
    if (requested == Mode.AUTO && everysec) {
      return new Decision(
          Mode.NONE,
          true,
          "Valkey at "
              + where
              + " fsyncs its append-only file once a second "
              + "(appendfsync everysec, from CONFIG GET): waiting for that fsync would hold every batch "
              + EVERYSEC_COST
              + ". "
              + setting(Mode.AUTO)
              + " therefore acknowledges a batch once Valkey holds it in memory and has "
              + "written it to its AOF: a crash of the Valkey process loses nothing, a crash of its node or a replica "
              + "promotion can lose about a second of acknowledged tweets. Set appendfsync always on Valkey and restart "
              + "the bridge to acknowledge only fsynced batches, or set WEATHER_STORE_DURABILITY=none to accept this and "
              + "silence the warning.");
    }
    Mode mode = requested == Mode.AUTO ? Mode.LOCAL_AOF : requested;
    StringBuilder message =
        new StringBuilder("Acknowledging a batch only after Valkey at ")
            .append(where)
            .append(" confirmed it with WAITAOF: ")
            .append(
                mode == Mode.REPLICAS
                    ? "its own AOF and the AOF of " + replicas + " replica(s)"
                    : "its own AOF")
            .append(" fsynced (")
            .append(setting(requested))
            .append(requested == mode ? "" : " → " + mode.setting())
            .append("; appendonly ")
            .append(
                facts.appendonly() == null
                    ? "not readable, WAITAOF accepted"
                    : "yes from " + facts.source())
            .append(facts.appendfsync() == null ? "" : ", appendfsync " + facts.appendfsync())
            .append(')');
    boolean warn = false;
    if (facts.appendfsync() == null) {
      message.append(
          ". appendfsync is not readable here (ACL): run Valkey with appendfsync always, or every batch "
              + "waits for its once-a-second fsync");
    } else if (everysec) {
      warn = true;
      message
          .append(". Note: with appendfsync everysec every batch waits for Valkey's next fsync, ")
          .append(EVERYSEC_COST)
          .append("; set appendfsync always on Valkey");
    }
    if (facts.probeLocal() != null && facts.probeLocal() < 1) {
      warn = true;
      message.append(
          ". Note: the start-up probe's write was not confirmed fsynced within the timeout; if Valkey "
              + "runs with appendfsync no it never will be, and batches will wait unacknowledged: set appendfsync "
              + "always");
    }
    if (mode == Mode.REPLICAS
        && facts.probeReplicas() != null
        && facts.probeReplicas() < replicas) {
      warn = true;
      message
          .append(". Note: only ")
          .append(facts.probeReplicas())
          .append(" of ")
          .append(replicas)
          .append(
              " replica(s) confirmed the start-up probe: batches wait unacknowledged until enough replicas with "
                  + "appendonly yes are connected");
    }
    return new Decision(mode, warn, message.toString());
  }

  /** Why this server cannot confirm an fsync, or null when it can (as far as it tells). */
  private static String cannot(Facts facts) {
    if (Boolean.FALSE.equals(facts.appendonly())) {
      return "runs without an append-only file (appendonly no, from " + facts.source() + ")";
    }
    if ("no".equalsIgnoreCase(facts.appendfsync())) {
      return "never fsyncs its append-only file itself (appendfsync no), so WAITAOF can never confirm a batch";
    }
    String refusal = facts.waitaofRefusal();
    if (refusal == null) {
      return null;
    }
    String lower = refusal.toLowerCase(Locale.ROOT);
    if (lower.contains("noperm")) {
      return "does not let the bridge's user run WAITAOF (" + refusal + ")";
    }
    if (lower.contains("unknown command")) {
      return "does not know WAITAOF (Redis/Valkey 7.2 or later is needed; " + refusal + ")";
    }
    return "refused WAITAOF (" + refusal + ")";
  }

  /** The setting as an operator writes it, with the variable that sets it. */
  static String setting(Mode mode) {
    return SETTING + "=" + mode.setting() + " (WEATHER_STORE_DURABILITY)";
  }

  /** The server's own words, without the connection and command details Redisson appends. */
  static String serverError(String message) {
    if (message == null) {
      return "no message";
    }
    int details = message.indexOf(". channel:");
    return (details < 0 ? message : message.substring(0, details)).trim();
  }

  private static String remedy(Facts facts) {
    String refusal =
        facts.waitaofRefusal() == null ? "" : facts.waitaofRefusal().toLowerCase(Locale.ROOT);
    if (refusal.contains("noperm")) {
      return "Allow WAITAOF to the bridge's Valkey user (ACL: +waitaof or +@connection)";
    }
    if (refusal.contains("unknown command")) {
      return "Run Valkey 7.2 or later";
    }
    return "Turn on the append-only file: appendonly yes and appendfsync always in valkey.conf (at runtime: CONFIG "
        + "SET appendonly yes, CONFIG SET appendfsync always)";
  }

  /**
   * Sends a write and {@code WAITAOF 1 replicas timeout} on one connection; the answer is {@code
   * [local, replicas]}.
   */
  @FunctionalInterface
  public interface Probe {
    List<?> waitaof(int replicas);
  }
}
