package io.weathertweets.bench;

import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.bridge.store.ApplyResult;
import io.weathertweets.bridge.store.BatchScript;
import io.weathertweets.proto.v1.Tweet;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.misc.CompletableFutureWrapper;

/**
 * The rabbit-bridge's Java side of one Valkey round trip: {@link BatchScript#apply} validates every
 * tweet, builds the script's arguments and checks the reply. Valkey is replaced by a stub that
 * answers at once with a reply of the right shape, so the figure is the client's CPU per batch, not
 * the network or the Lua script (the S1/S5 scenarios measure those on a real Valkey).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BatchScriptBenchmark {
  @Param({"200"})
  public int batchSize;

  private BatchScript script;
  private List<Tweet> tweets;

  @Setup
  public void setUp() {
    tweets = Tweets.generate(batchSize, 3);
    script =
        new BatchScript(
            instantValkey(),
            new StoreLayout("bench"),
            WindowSpec.DEFAULT,
            Duration.ofHours(1),
            Duration.ofHours(24),
            10_000,
            Duration.ofSeconds(15));
  }

  @Benchmark
  public ApplyResult applyBatch() {
    return script.apply(tweets, "12345", 1_795_000_000_000L);
  }

  /** A Redisson client whose only working part is a script that loads and "runs" instantly. */
  private static RedissonClient instantValkey() {
    RScript rscript =
        (RScript)
            Proxy.newProxyInstance(
                RScript.class.getClassLoader(),
                new Class<?>[] {RScript.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "scriptLoadAsync" -> new CompletableFutureWrapper<>("sha");
                      case "evalShaAsync" -> {
                        Object[] values = (Object[]) args[args.length - 1];
                        int tweets = Integer.parseInt((String) values[8]);
                        yield new CompletableFutureWrapper<>(
                            List.of(0L, (long) tweets, 0L, 0L, "n".repeat(tweets), values[7]));
                      }
                      default -> throw new UnsupportedOperationException(method.getName());
                    });
    return (RedissonClient)
        Proxy.newProxyInstance(
            RedissonClient.class.getClassLoader(),
            new Class<?>[] {RedissonClient.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getScript")) {
                return rscript;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
