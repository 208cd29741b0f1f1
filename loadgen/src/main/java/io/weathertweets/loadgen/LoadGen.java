package io.weathertweets.loadgen;

import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.loadgen.report.Latency;
import io.weathertweets.loadgen.report.PathResult;
import io.weathertweets.loadgen.report.Progress;
import io.weathertweets.loadgen.report.Report;
import io.weathertweets.loadgen.report.RunStats;
import io.weathertweets.loadgen.send.GrpcSender;
import io.weathertweets.loadgen.send.HttpSender;
import io.weathertweets.loadgen.send.LoadRun;
import io.weathertweets.loadgen.send.Pacer;
import io.weathertweets.loadgen.send.Sender;
import io.weathertweets.loadgen.tweets.TweetFile;
import io.weathertweets.loadgen.tweets.TweetGenerator;
import io.weathertweets.loadgen.tweets.TweetSource;
import io.weathertweets.loadgen.verify.DirectFigures;
import io.weathertweets.loadgen.verify.FigureSource;
import io.weathertweets.loadgen.verify.IngressFigures;
import io.weathertweets.loadgen.verify.StoreVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Sends tweets to the ingress (HTTP) or a gateway (gRPC), reports what happened and, with {@code
 * --verify}, waits until Redis and Valkey account for every accepted tweet. Exit codes: 0 done (and
 * verified), 1 verification failed or an unexpected error, 2 usage error, 3 not verified because a
 * store never became quiet enough for a baseline.
 */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    description =
        "Sends weather tweets and reports sent/accepted/rejected/failed, throughput and latency.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:sent (and, with --verify, every accepted tweet is visible in the stores)",
      "1:verification failed, or an unexpected error",
      "2:usage error",
      "3:UNVERIFIED: sent, but a store was still changing (or its consumer behind) before the run, so no quiet "
          + "baseline could be taken and that path was not checked"
    })
public final class LoadGen implements Callable<Integer> {
  static final int VERIFY_FAILED = 1;
  static final int UNVERIFIED = 3;

  @Spec private CommandSpec spec;

  @Option(
      names = {"-n", "--tweets"},
      paramLabel = "N",
      description = "How many tweets to send (default 1000; with --input: the whole file).")
  private Long tweets;

  @Option(
      names = "--mode",
      converter = Mode.Converter.class,
      defaultValue = "http-single",
      description =
          "http-single (POST /api/tweet), http-batch (POST /api/tweets), grpc-batch (v1 Publish), "
              + "grpc-stream (v1 PublishStream), grpc-course (course SendTweet). Default: ${DEFAULT-VALUE}.")
  private Mode mode;

  @Option(
      names = "--url",
      defaultValue = "http://localhost:8080",
      description = "Ingress base URL (HTTP modes). Default: ${DEFAULT-VALUE}.")
  private URI url;

  @Option(
      names = "--grpc-target",
      defaultValue = "localhost:9090",
      description = "Gateway host:port (gRPC modes). Default: ${DEFAULT-VALUE}.")
  private String grpcTarget;

  @Option(
      names = {"-c", "--concurrency"},
      defaultValue = "10",
      description = "Requests in flight. Default: ${DEFAULT-VALUE}.")
  private int concurrency;

  @Option(
      names = "--batch-size",
      defaultValue = "100",
      description =
          "Tweets per batch (http-batch, grpc-batch, grpc-stream), 1..1000. Default: ${DEFAULT-VALUE}.")
  private int batchSize;

  @Option(
      names = "--stream-batches",
      defaultValue = "10",
      description = "Batches per PublishStream call (grpc-stream). Default: ${DEFAULT-VALUE}.")
  private int streamBatches;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Target tweets/s, 0 = as fast as possible.")
  private double rate;

  @Option(
      names = "--seed",
      description =
          "Seed of the generated tweets: the same seed sends the same tweets "
              + "with the same ids (default: random, printed in the report).")
  private Long seed;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description = "JSON lines of tweets (HTTP bodies) instead of generated ones.")
  private Path input;

  @Option(
      names = "--timeout",
      defaultValue = "30",
      paramLabel = "SECONDS",
      description = "Per-request timeout.")
  private int timeoutSeconds;

  @Option(
      names = "--progress",
      negatable = true,
      description =
          "Progress bar on stderr; by default on when stderr "
              + "is a terminal and off when it is redirected (a file, a pipe, CI). --no-progress turns it off.")
  private Boolean progress;

  @Option(names = "--json", description = "Print the report as JSON.")
  private boolean json;

  @Option(
      names = "--verify",
      description =
          "After sending, wait until the stores account for every accepted tweet. "
              + "HTTP modes read the figures from the ingress (GET /api/stores) unless a store option is given; gRPC modes "
              + "read the stores.")
  private boolean verify;

  @Option(
      names = "--verify-timeout",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description =
          "How long --verify waits for the stores: before sending, for them to be quiet (the baseline); "
              + "after, for them to account for the run. Default: ${DEFAULT-VALUE}.")
  private int verifyTimeoutSeconds;

  @Option(
      names = "--paths",
      split = ",",
      defaultValue = "kafka,rabbit",
      converter = PathId.class,
      description = "Paths to verify: kafka (Redis), rabbit (Valkey). Default: ${DEFAULT-VALUE}.")
  private List<TweetPath> paths;

  /** A path by its id ({@link TweetPath#id()}), as --paths names them. */
  static final class PathId implements CommandLine.ITypeConverter<TweetPath> {
    @Override
    public TweetPath convert(String id) {
      return Arrays.stream(TweetPath.values())
          .filter(path -> path.id().equals(id))
          .findFirst()
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "expected kafka or rabbit, got '" + id + "'"));
    }
  }

  @Option(
      names = "--prefix",
      defaultValue = StoreLayout.DEFAULT_PREFIX,
      description =
          "Store key prefix; given, --verify reads the stores. Default: ${DEFAULT-VALUE}.")
  private String prefix;

  @Option(
      names = "--redis-url",
      defaultValue = "${env:REDIS_URL:-redis://localhost:6379}",
      description =
          "Store of the kafka path (env REDIS_URL); given, --verify reads the stores. "
              + "Default: ${DEFAULT-VALUE}.")
  private String redisUrl;

  @Option(
      names = "--valkey-url",
      defaultValue = "${env:VALKEY_URL:-redis://localhost:6380}",
      description =
          "Store of the rabbit path (env VALKEY_URL); given, --verify reads the stores. "
              + "Default: ${DEFAULT-VALUE}.")
  private String valkeyUrl;

  private final PrintStream out;
  private final PrintStream err;

  LoadGen(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one load generation with these arguments and returns the exit code (what tests call). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine commandLine =
        new CommandLine(new LoadGen(out, err))
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .setExecutionExceptionHandler(
                (e, cl, parsed) -> {
                  cl.getErr().println("loadgen: " + e);
                  return VERIFY_FAILED;
                });
    return commandLine.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    validate();
    TweetSource source = source();
    long count = tweets == null ? source.size() : Math.min(tweets, source.size());

    RunStats stats = new RunStats();
    StoreVerifier verifier = verify ? new StoreVerifier(figureSource()) : null;
    try (Sender sender = sender(source)) {
      StoreVerifier.Baseline baseline =
          verifier == null
              ? null
              : verifier.baseline(Duration.ofSeconds(verifyTimeoutSeconds), err);
      LoadRun run =
          new LoadRun(
              source, count, sender, new Pacer(rate, System.nanoTime()), concurrency, stats);
      long elapsedNanos;
      boolean showProgress =
          Progress.shouldShow(progress, err == System.err && Progress.stderrIsTerminal());
      try (Progress bar = showProgress ? new Progress(stats, count, err) : null) {
        elapsedNanos = run.run();
      }
      long sendEnd = System.nanoTime();
      List<PathResult> verification =
          verifier == null
              ? List.of()
              : verifier.await(
                  baseline,
                  stats.accepted(),
                  stats.acceptedByMunicipality(),
                  Duration.ofSeconds(verifyTimeoutSeconds),
                  sendEnd);
      Report report = report(source, stats, elapsedNanos, sender.tweetsPerRequest(), verification);
      out.print(json ? report.toJson() + System.lineSeparator() : report.toText());
      out.flush();
      return switch (report.verdict()) {
        case PASS -> CommandLine.ExitCode.OK;
        case FAILED -> VERIFY_FAILED;
        case UNVERIFIED -> UNVERIFIED;
      };
    } finally {
      if (verifier != null) {
        verifier.close();
      }
    }
  }

  private Report report(
      TweetSource source,
      RunStats stats,
      long elapsedNanos,
      int tweetsPerRequest,
      List<PathResult> verification) {
    double seconds = elapsedNanos / 1e9;
    Map<String, Long> byMunicipality = new TreeMap<>();
    stats.acceptedByMunicipality().forEach((m, n) -> byMunicipality.put(m.id(), n));
    return new Report(
        mode.id,
        mode.http() ? url.toString() : grpcTarget,
        source instanceof TweetGenerator g ? g.seed() : null,
        concurrency,
        rate,
        tweetsPerRequest,
        stats.sent(),
        stats.accepted(),
        stats.rejected(),
        stats.rejectedBy(),
        stats.failed(),
        stats.failedBy(),
        byMunicipality,
        seconds,
        seconds > 0 ? stats.sent() / seconds : 0,
        Latency.of(stats.latencyMicros()),
        verification);
  }

  private void validate() {
    if (tweets != null && tweets < 1) {
      throw usage("--tweets must be >= 1");
    }
    if (concurrency < 1) {
      throw usage("--concurrency must be >= 1");
    }
    if (batchSize < 1 || batchSize > 1000) {
      throw usage("--batch-size must be 1..1000 (the services' batch limit)");
    }
    if (streamBatches < 1) {
      throw usage("--stream-batches must be >= 1");
    }
    if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
      throw usage("--rate must be >= 0 (0 = unlimited)");
    }
    if (timeoutSeconds < 1 || verifyTimeoutSeconds < 1) {
      throw usage("--timeout and --verify-timeout must be >= 1 second");
    }
    if (input != null && seed != null) {
      throw usage("--seed and --input exclude each other");
    }
    if (mode.http() && (url.getScheme() == null || !url.getScheme().startsWith("http"))) {
      throw usage("--url must be an http(s) URL, was " + url);
    }
  }

  private TweetSource source() {
    if (input == null) {
      return new TweetGenerator(
          seed != null ? seed : ThreadLocalRandom.current().nextLong(),
          tweets == null ? 1000 : tweets);
    }
    try {
      TweetFile file =
          TweetFile.read(
              input, "lg-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
      if (file.size() == 0) {
        throw usage("--input " + input + " holds no tweets");
      }
      return file;
    } catch (IOException e) {
      throw usage("--input " + input + " cannot be read: " + e);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private Sender sender(TweetSource source) {
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    return switch (mode) {
      case HTTP_SINGLE -> new HttpSender(url, false, 1, timeout);
      case HTTP_BATCH -> new HttpSender(url, true, batchSize, timeout);
      case GRPC_BATCH ->
          new GrpcSender(
              grpcTarget, GrpcSender.Rpc.PUBLISH, batchSize, 1, timeout.toMillis(), source);
      case GRPC_STREAM ->
          new GrpcSender(
              grpcTarget,
              GrpcSender.Rpc.PUBLISH_STREAM,
              batchSize,
              streamBatches,
              timeout.toMillis(),
              source);
      case GRPC_COURSE ->
          new GrpcSender(grpcTarget, GrpcSender.Rpc.SEND_TWEET, 1, 1, timeout.toMillis(), source);
    };
  }

  /**
   * The ingress's view of the stores for an HTTP run given no store option (the user then needs to
   * reach only the ingress); the stores themselves otherwise. A store option (or REDIS_URL /
   * VALKEY_URL) means "read this store"; --prefix too, since the ingress reads only its own prefix.
   */
  private FigureSource figureSource() {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    boolean storesGiven =
        parsed.hasMatchedOption("--redis-url")
            || parsed.hasMatchedOption("--valkey-url")
            || parsed.hasMatchedOption("--prefix")
            || isSet(System.getenv("REDIS_URL"))
            || isSet(System.getenv("VALKEY_URL"));
    if (mode.http() && !storesGiven) {
      return new IngressFigures(
          url, List.copyOf(storeUrls().keySet()), Duration.ofSeconds(timeoutSeconds));
    }
    return new DirectFigures(storeUrls(), prefix);
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }

  private Map<TweetPath, String> storeUrls() {
    Map<TweetPath, String> urls = new LinkedHashMap<>();
    for (TweetPath path : TweetPath.values()) {
      if (paths.contains(path)) {
        urls.put(path, path == TweetPath.KAFKA ? redisUrl : valkeyUrl);
      }
    }
    return urls;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
