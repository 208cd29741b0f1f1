package io.weathertweets.bridge.store;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Panel;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.TweetRules;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.proto.v1.Tweet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.redisson.Redisson;
import org.redisson.RedissonScript;
import org.redisson.api.BatchOptions;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisReconnectedException;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.RedisCommands;
import org.redisson.command.CommandAsyncExecutor;
import org.redisson.command.CommandBatchService;

/**
 * Applies a batch of tweets to Valkey with ONE call of {@code apply-batch.lua}, so a batch is in
 * the store completely or not at all. Every tweet is guarded by {@code {p}:seen:{m}:{id}} (SET NX
 * PX horizon): a batch redelivered after a crash between "applied" and "acked" changes nothing and
 * reports its tweets as duplicates.
 *
 * <p>Unless {@link StoreDurability} says {@code none}, the script call travels in one pipeline with
 * {@code SET {p}:bridge:ack_mark <token>} and {@code WAITAOF 1 <replicas> <timeout>} on the same
 * connection, and a batch counts as applied only when WAITAOF confirms. WAITAOF waits for the last
 * write made on its own connection; the mark is that write even when the script wrote nothing (a
 * retry or a redelivery finding every tweet applied), so the confirmation always covers the batch,
 * including a first attempt that ran on another connection.
 *
 * <p>Identity, stream time and lateness follow the same rules as the Kafka path (see
 * docs/architecture.md): a tweet is its municipality and its id, and each municipality has its own
 * durable stream time ({@code {p}:bridge:stream_time:{m}}). With listener concurrency above 1 the
 * arrival order of a municipality's tweets is interleaved, and the two paths can then disagree on
 * which tweets are late; all-time figures never differ.
 */
public final class BatchScript {
  private static final String RESOURCE = "apply-batch.lua";

  /**
   * What the script knows of the catalogue, passed with every call so that it names no
   * municipality, condition or panel itself: five lists, each its length and then its items.
   */
  static final List<String> CATALOGUE = catalogue();

  private final RedissonClient client;
  private final StoreLayout layout;
  private final WindowSpec windows;
  private final Duration dedupHorizon;
  private final Duration windowTtl;
  private final int seriesMaxLength;
  private final Duration callTimeout;
  private final String source;
  private final StoreDurability durability;
  private final String markKey;
  private volatile String sha;

  /** Acknowledging on the script's reply ({@link StoreDurability#none()}). */
  public BatchScript(
      RedissonClient client,
      StoreLayout layout,
      WindowSpec windows,
      Duration dedupHorizon,
      Duration windowTtl,
      int seriesMaxLength,
      Duration callTimeout) {
    this(
        client,
        layout,
        windows,
        dedupHorizon,
        windowTtl,
        seriesMaxLength,
        callTimeout,
        StoreDurability.none());
  }

  /**
   * @param callTimeout longest wait for one script call, on top of the client's own timeouts and
   *     retries: a call that hangs for any reason fails instead of stalling the consumer (a retry
   *     is always safe); longer than the durability timeout
   * @param durability what Valkey must confirm before {@link #apply} reports a batch applied
   */
  public BatchScript(
      RedissonClient client,
      StoreLayout layout,
      WindowSpec windows,
      Duration dedupHorizon,
      Duration windowTtl,
      int seriesMaxLength,
      Duration callTimeout,
      StoreDurability durability) {
    if (dedupHorizon.toMillis() <= 0
        || windowTtl.toMillis() <= 0
        || seriesMaxLength <= 0
        || callTimeout.toMillis() <= 0) {
      throw new IllegalArgumentException(
          "dedup horizon, window ttl, series max length and call timeout must be positive");
    }
    if (durability.requested() != StoreDurability.Mode.NONE) {
      if (durability.timeout().compareTo(callTimeout) >= 0) {
        throw new IllegalArgumentException(
            "weather.store.durability-timeout ("
                + durability.timeout()
                + ") must be shorter than weather.store.call-timeout ("
                + callTimeout
                + ")");
      }
      if (!(client instanceof Redisson)) {
        throw new IllegalArgumentException(
            "weather.store.durability="
                + durability.requested().setting()
                + " needs a Redisson client (WAITAOF goes through its batch executor)");
      }
    }
    this.durability = durability;
    this.markKey = layout.prefix() + ":bridge:ack_mark";
    this.callTimeout = callTimeout;
    this.client = client;
    this.layout = layout;
    this.windows = windows;
    this.dedupHorizon = dedupHorizon;
    this.windowTtl = windowTtl;
    this.seriesMaxLength = seriesMaxLength;
    this.source = readSource();
  }

  /**
   * A fresh token for one batch; every attempt to apply that batch must pass the same one. Below
   * 2^40 so the script's {@code token * 2 + 1} stays exact in a Lua double; two batches sharing a
   * token by chance (2^-40) would only misreport a redelivery as processed in the meters, never
   * change the store.
   */
  public static String newBatchToken() {
    return Long.toString(ThreadLocalRandom.current().nextLong(1, 1L << 40));
  }

  /** Applies a batch once (its own token); see {@link #apply(List, String, long)}. */
  public ApplyResult apply(List<Tweet> tweets, long nowMs) {
    return apply(tweets, newBatchToken(), nowMs);
  }

  /**
   * Applies valid tweets (see {@link TweetRules}); throws {@link IllegalArgumentException} before
   * touching the store if one is not, and a Redisson {@link RedisException} when Valkey did not
   * confirm the batch. Then it may or may not have been applied: call again with the same tweets
   * and the same {@code batchToken}; the store changes at most once, and the result reports what
   * the first successful execution did.
   *
   * @param batchToken from {@link #newBatchToken()}: a decimal integer in [1, 2^40)
   */
  public ApplyResult apply(List<Tweet> tweets, String batchToken, long nowMs) {
    long token = Long.parseLong(batchToken);
    if (token <= 0 || token >= 1L << 40) {
      throw new IllegalArgumentException("batch token must be in [1, 2^40), was " + batchToken);
    }
    if (tweets.isEmpty()) {
      return new ApplyResult(0, 0, 0, 0, "");
    }
    List<Object> args = new ArrayList<>(9 + CATALOGUE.size() + tweets.size() * 6);
    args.add(layout.prefix());
    args.add(Long.toString(dedupHorizon.toMillis()));
    args.add(Long.toString(windows.sizeMs()));
    args.add(Long.toString(windows.graceMs()));
    args.add(Long.toString(windowTtl.toMillis()));
    args.add(Integer.toString(seriesMaxLength));
    args.add(Long.toString(nowMs));
    args.add(batchToken);
    args.add(Integer.toString(tweets.size()));
    args.addAll(CATALOGUE);
    for (Tweet tweet : tweets) {
      // The script trusts its input (a Lua error halfway would leave half a batch written).
      List<TweetRules.Violation> violations = TweetRules.violations(tweet);
      if (!violations.isEmpty()) {
        throw new IllegalArgumentException("tweet " + tweet.getId() + " is invalid: " + violations);
      }
      args.add(tweet.getId());
      args.add(Municipality.fromProto(tweet.getMunicipality()).id());
      args.add(Integer.toString(tweet.getTemperature()));
      args.add(Integer.toString(tweet.getHumidity()));
      args.add(Condition.fromProto(tweet.getCondition()).id());
      args.add(Long.toString(tweet.getEventTimeMs()));
    }
    StoreDurability.Mode mode = durability.mode(this::probe);
    List<Object> reply =
        mode == StoreDurability.Mode.NONE
            ? evaluate(args.toArray())
            : evaluateDurably(args.toArray(), mode, batchToken, tweets.size());
    // A reply that is not this call's own (a client mixing up replies after timeouts) must never
    // lead to an acknowledgement: the script echoes the token, and there is one flag per tweet.
    if (reply.size() != 6
        || !batchToken.equals(reply.get(5))
        || !(reply.get(4) instanceof String flags)
        || flags.length() != tweets.size()) {
      throw new IllegalStateException(
          "Valkey answered the batch script with a reply that is not this call's: " + reply);
    }
    return new ApplyResult(
        (Long) reply.get(0), (Long) reply.get(1), (Long) reply.get(2), (Long) reply.get(3), flags);
  }

  /**
   * The recent end-to-end latency percentiles, beside the figures the script keeps in the meta
   * hash. Not awaited: informational figures must not hold up the consumer.
   */
  public CompletionStage<Void> writeLatency(long p50Ms, long p99Ms) {
    return client
        .<String, String>getMap(layout.meta(), StringCodec.INSTANCE)
        .putAllAsync(
            Map.of("e2e_p50_ms", Long.toString(p50Ms), "e2e_p99_ms", Long.toString(p99Ms)));
  }

  private List<Object> evaluate(Object[] args) {
    RScript script = client.getScript(StringCodec.INSTANCE);
    // The meta key routes the call; the script derives its other keys from the prefix (standalone
    // Valkey).
    List<Object> keys = List.of(layout.meta());
    String loaded = sha;
    if (loaded == null) {
      loaded = load(script);
    }
    try {
      return await(
          script.evalShaAsync(
              RScript.Mode.READ_WRITE, loaded, RScript.ReturnType.LIST, keys, args));
    } catch (RedisException e) {
      if (e.getMessage() == null || !e.getMessage().contains("NOSCRIPT")) {
        throw e;
      }
      // Valkey restarted (or SCRIPT FLUSH): its script cache is empty, load once more.
      return await(
          script.evalShaAsync(
              RScript.Mode.READ_WRITE, load(script), RScript.ReturnType.LIST, keys, args));
    }
  }

  /** Start-up check of {@link StoreDurability}: decides the mode now if Valkey answers. */
  public void checkDurability() {
    durability.checkAtStartup(this::probe);
  }

  /**
   * EVALSHA, the mark and WAITAOF in one pipeline, then the WAITAOF answer checked against the
   * mode. Throws {@link StoreDurability.NotConfirmedException} when Valkey applied the batch but
   * did not confirm it in time.
   */
  private List<Object> evaluateDurably(
      Object[] args, StoreDurability.Mode mode, String token, int tweets) {
    String loaded = sha;
    if (loaded == null) {
      loaded = load(client.getScript(StringCodec.INSTANCE));
    }
    Pipeline pipeline = pipeline(loaded, args, token);
    try {
      await(pipeline.all());
    } catch (RedisException e) {
      if (!failedWith(pipeline.eval(), "NOSCRIPT")) {
        throw refusedOr(pipeline, mode, e);
      }
      // Valkey restarted (or SCRIPT FLUSH): its script cache is empty, load once more.
      pipeline = pipeline(load(client.getScript(StringCodec.INSTANCE)), args, token);
      try {
        await(pipeline.all());
      } catch (RedisException again) {
        throw refusedOr(pipeline, mode, again);
      }
    }
    durability.confirm(mode, pipeline.waitaof().getNow(List.of()), tweets);
    return pipeline.eval().getNow(List.of());
  }

  /**
   * The pipeline failed: when the script and the mark went through and the server's error names
   * WAITAOF, the server refused WAITAOF (Redisson leaves a refused WAITAOF's own future incomplete,
   * so this is known from the others and the error).
   */
  private RuntimeException refusedOr(
      Pipeline pipeline, StoreDurability.Mode mode, RedisException failure) {
    if (succeeded(pipeline.eval()) && succeeded(pipeline.mark()) && isWaitaofRefusal(failure)) {
      return durability.refused(mode, failure);
    }
    return failure;
  }

  /**
   * An error reply to WAITAOF (no append-only file, ACL, unknown command), not a lost connection or
   * a timeout.
   */
  private static boolean isWaitaofRefusal(RedisException failure) {
    return !(failure instanceof RedisTimeoutException)
        && !(failure instanceof RedisConnectionException)
        && !(failure instanceof RedisReconnectedException)
        && StoreDurability.serverError(failure.getMessage())
            .toLowerCase(java.util.Locale.ROOT)
            .contains("waitaof");
  }

  /** The durability probe: the mark and WAITAOF alone, on one connection. */
  private List<?> probe(int replicas) {
    CommandBatchService batch = newPipeline();
    RFuture<Void> mark =
        batch.writeAsync(markKey, StringCodec.INSTANCE, RedisCommands.SET, markKey, "probe");
    RFuture<List<Integer>> waitaof =
        batch.writeAsync(
            markKey,
            StringCodec.INSTANCE,
            RedisCommands.WAITAOF,
            1,
            replicas,
            durability.timeout().toMillis());
    try {
      await(batch.executeAsync());
    } catch (RedisException e) {
      if (succeeded(mark.toCompletableFuture()) && isWaitaofRefusal(e)) {
        throw new StoreDurability.WaitaofRefusedException(e.getMessage());
      }
      throw e;
    }
    return waitaof.toCompletableFuture().join();
  }

  private record Pipeline(
      CompletableFuture<List<Object>> eval,
      CompletableFuture<Void> mark,
      CompletableFuture<List<Integer>> waitaof,
      RFuture<?> all) {}

  private Pipeline pipeline(String loaded, Object[] args, String token) {
    CommandBatchService batch = newPipeline();
    // RBatch's own script object, on a batch that also carries commands RBatch has no API for.
    RFuture<List<Object>> eval =
        new RedissonScript(batch, StringCodec.INSTANCE)
            .evalShaAsync(
                layout.meta(),
                RScript.Mode.READ_WRITE,
                loaded,
                RScript.ReturnType.LIST,
                List.of(layout.meta()),
                args);
    RFuture<Void> mark =
        batch.writeAsync(markKey, StringCodec.INSTANCE, RedisCommands.SET, markKey, token);
    RFuture<List<Integer>> waitaof =
        batch.writeAsync(
            markKey,
            StringCodec.INSTANCE,
            RedisCommands.WAITAOF,
            1,
            durability.replicas(),
            durability.timeout().toMillis());
    return new Pipeline(
        eval.toCompletableFuture(),
        mark.toCompletableFuture(),
        waitaof.toCompletableFuture(),
        batch.executeAsync());
  }

  /**
   * A batch in IN_MEMORY mode: its commands go out together, in order, on ONE connection (what
   * WAITAOF needs). Redisson's BatchOptions.syncAOF cannot be used instead: it adds WAITAOF only
   * when asked for at least one replica, and reports replicas only. No retries inside Redisson: a
   * retry would resend only the commands that had not answered yet, possibly WAITAOF alone on a
   * fresh connection, where it waits for nothing; the caller retries the whole pipeline instead.
   * The response timeout leaves WAITAOF its own timeout on top of the usual.
   */
  private CommandBatchService newPipeline() {
    CommandAsyncExecutor executor = ((Redisson) client).getCommandExecutor();
    long usual = executor.getServiceManager().getConfig().getTimeout();
    BatchOptions options =
        BatchOptions.defaults()
            .executionMode(BatchOptions.ExecutionMode.IN_MEMORY)
            .retryAttempts(0)
            .responseTimeout(usual + durability.timeout().toMillis(), TimeUnit.MILLISECONDS);
    return executor.createCommandBatchService(options);
  }

  private static boolean succeeded(CompletableFuture<?> future) {
    return future.isDone() && !future.isCompletedExceptionally();
  }

  private static boolean failedWith(CompletableFuture<?> future, String error) {
    if (!future.isCompletedExceptionally()) {
      return false;
    }
    Throwable cause = cause(future);
    return cause != null && cause.getMessage() != null && cause.getMessage().contains(error);
  }

  private static Throwable cause(CompletableFuture<?> future) {
    try {
      future.join();
      return null;
    } catch (CompletionException e) {
      return e.getCause();
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    }
  }

  private <T> T await(RFuture<T> future) {
    try {
      return future.toCompletableFuture().get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new RedisTimeoutException(
          "no answer from Valkey within " + callTimeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new RedisException("batch script failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException("interrupted while waiting for Valkey", e);
    }
  }

  private String load(RScript script) {
    String loaded = await(script.scriptLoadAsync(source));
    sha = loaded;
    return loaded;
  }

  /**
   * Municipalities and conditions in catalogue order; the {@link Panel.Kind#PER_MUNICIPALITY}
   * panels as pairs (hash, aggregate field); the {@link Panel.Kind#PER_CONDITION} panels; and every
   * extreme of the {@link Panel.Kind#EXTREMES} panels as a triple (hash, aggregate field, {@code
   * max} or {@code min}).
   */
  static List<String> catalogue() {
    List<String> perMunicipality = new ArrayList<>();
    List<String> perCondition = new ArrayList<>();
    List<String> extremes = new ArrayList<>();
    for (Panel panel : Panel.values()) {
      switch (panel.kind()) {
        case PER_MUNICIPALITY -> perMunicipality.addAll(List.of(panel.id(), panel.figure()));
        case PER_CONDITION -> perCondition.add(panel.id());
        case EXTREMES ->
            panel
                .extremes()
                .forEach(
                    e ->
                        extremes.addAll(
                            List.of(panel.id(), e.figure(), e.highest() ? "max" : "min")));
      }
    }
    List<String> args = new ArrayList<>();
    for (List<String> list :
        List.of(Municipality.ids(), Condition.ids(), perMunicipality, perCondition, extremes)) {
      args.add(Integer.toString(list.size()));
      args.addAll(list);
    }
    return List.copyOf(args);
  }

  private static String readSource() {
    try (InputStream in = BatchScript.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCE + " is missing from the classpath next to BatchScript");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
