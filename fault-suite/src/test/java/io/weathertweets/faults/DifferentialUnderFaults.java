package io.weathertweets.faults;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.aggregates.differential.HostileSequences;
import io.weathertweets.harness.ProcessSystem;
import io.weathertweets.harness.Service;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.redisson.api.RedissonClient;

/**
 * The differential model test ({@link HostileSequences}) on the process system, with faults: each
 * seeded sequence of hostile tweets is cut into chunks, and between them a fault starts, a chunk is
 * sent while it lasts, and it ends — a clean restart, a kill -9 and a kill -9 with its state
 * directory deleted for the streams app, a clean restart and a kill -9 for the bridge, a kill -9
 * and restart on its AOF for Redis and for Valkey. After each sequence every figure of both stores
 * must equal the reference model, and stay so.
 *
 * <p>The first three sequences take the seven faults between them (3 + 2 + 2, in an order drawn
 * from the first seed); any further sequence takes 2–3 faults drawn from its own seed. So {@code
 * -Dweather.model.seeds=} with the seeds of a run up to a failing sequence replays the same tweets
 * and the same faults in the same places (the timing of a fault against the consumers' work is the
 * one thing it cannot replay). {@code -Dweather.model.sequences=<n>} runs n random sequences
 * (default 3), for a long run; {@code -Dweather.model.faults=streams-kill-wipe,valkey-flap} gives
 * every sequence exactly those faults.
 */
final class DifferentialUnderFaults {
  static final String FAULTS_PROPERTY = "weather.model.faults";
  static final int DEFAULT_SEQUENCES = 3;

  /**
   * A kill -9 of the streams app costs the dead member's session timeout (10 s) before its tasks
   * move on, and a replay after it; a sequence may hold several faults.
   */
  static final Duration CONVERGENCE = Duration.ofSeconds(150);

  /** Once equal the stores must stay so: a late replay would show up here as a double count. */
  static final Duration STABLE_FOR = Duration.ofSeconds(3);

  private static final int[] FIRST_DEAL = {3, 2, 2};

  /** A fault between two chunks of a sequence: started, a chunk sent while it lasts, then ended. */
  enum Fault {
    STREAMS_RESTART(
        "streams-restart",
        "streams-app clean restart",
        s -> s.stop(Service.STREAMS),
        s -> s.restart(Service.STREAMS)),
    STREAMS_KILL(
        "streams-kill",
        "streams-app kill -9",
        s -> s.kill9(Service.STREAMS),
        s -> s.restart(Service.STREAMS)),
    STREAMS_KILL_WIPE(
        "streams-kill-wipe",
        "streams-app kill -9 + state dir wiped",
        s -> {
          s.kill9(Service.STREAMS);
          s.wipeStreamsState();
        },
        s -> s.restart(Service.STREAMS)),
    BRIDGE_RESTART(
        "bridge-restart",
        "rabbit-bridge clean restart",
        s -> s.stop(Service.BRIDGE),
        s -> s.restart(Service.BRIDGE)),
    BRIDGE_KILL(
        "bridge-kill",
        "rabbit-bridge kill -9",
        s -> s.kill9(Service.BRIDGE),
        s -> s.restart(Service.BRIDGE)),
    REDIS_FLAP(
        "redis-flap",
        "Redis kill -9 + restart",
        ProcessSystem::killRedis,
        ProcessSystem::startRedis),
    VALKEY_FLAP(
        "valkey-flap",
        "Valkey kill -9 + restart",
        ProcessSystem::killValkey,
        ProcessSystem::startValkey);

    /**
     * How long the fault lasts at least: a store stays down 2–11 s (drawn from the sequence's
     * seed), from a blip the client's own retry hides to longer than a command timeout plus its
     * retry and than the streams app's transaction timeout (10 s), so that the consumers' own
     * retries and a replay after an aborted transaction are exercised too. A service is down for as
     * long as the chunk and its restart take.
     */
    Duration outage(Random random) {
      return this == REDIS_FLAP || this == VALKEY_FLAP
          ? Duration.ofSeconds(2 + random.nextInt(10))
          : Duration.ZERO;
    }

    String describe(Duration outage) {
      return outage.isZero() ? text : text + " after " + outage.toSeconds() + " s";
    }

    final String id;
    final String text;
    private final java.util.function.Consumer<ProcessSystem> start;
    private final java.util.function.Consumer<ProcessSystem> end;

    Fault(
        String id,
        String text,
        java.util.function.Consumer<ProcessSystem> start,
        java.util.function.Consumer<ProcessSystem> end) {
      this.id = id;
      this.text = text;
      this.start = start;
      this.end = end;
    }

    static Fault parse(String id) {
      return Arrays.stream(values())
          .filter(f -> f.id.equals(id.trim()))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "-D"
                          + FAULTS_PROPERTY
                          + ": unknown fault "
                          + id
                          + "; known: "
                          + Arrays.stream(values())
                              .map(f -> f.id)
                              .collect(Collectors.joining(", "))));
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /**
   * What one sequence did: its faults in order, and how long the stores took to equal the model
   * afterwards.
   */
  record Sequence(
      long seed,
      List<String> faults,
      int operations,
      long countedAfter,
      Duration convergence,
      Duration wallTime,
      String problem) {}

  /**
   * Every sequence run (up to the first that failed), what was sent, and the problems (empty:
   * passed).
   */
  record Result(List<Sequence> sequences, HostileSequences sent, List<String> problems) {
    /** Each kind of fault that ran, once. */
    String kinds() {
      return sequences.stream()
          .flatMap(q -> q.faults().stream())
          .map(f -> f.replaceFirst(" after \\d+ s$", ""))
          .distinct()
          .sorted()
          .collect(Collectors.joining(", "));
    }

    long faults() {
      return sequences.stream().mapToLong(q -> q.faults().size()).sum();
    }
  }

  private final ProcessSystem system;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  DifferentialUnderFaults(ProcessSystem system) {
    this.system = system;
  }

  /** Which faults each sequence gets; see the class comment. */
  static List<List<Fault>> plan(List<Long> seeds) {
    String pinned = System.getProperty(FAULTS_PROPERTY);
    List<List<Fault>> plan = new ArrayList<>();
    if (pinned != null && !pinned.isBlank()) {
      List<Fault> faults = Arrays.stream(pinned.split(",")).map(Fault::parse).toList();
      seeds.forEach(s -> plan.add(faults));
      return plan;
    }
    List<Fault> deck = new ArrayList<>(List.of(Fault.values()));
    Collections.shuffle(deck, new Random(seeds.getFirst()));
    int dealt = 0;
    for (int i = 0; i < seeds.size(); i++) {
      if (i < FIRST_DEAL.length) {
        plan.add(List.copyOf(deck.subList(dealt, dealt + FIRST_DEAL[i])));
        dealt += FIRST_DEAL[i];
      } else {
        List<Fault> own = new ArrayList<>(List.of(Fault.values()));
        Random random = new Random(~seeds.get(i));
        Collections.shuffle(own, random);
        plan.add(List.copyOf(own.subList(0, 2 + random.nextInt(2))));
      }
    }
    return plan;
  }

  Result run() {
    List<Long> seeds = HostileSequences.seeds(DEFAULT_SEQUENCES);
    List<List<Fault>> plan = plan(seeds);
    HostileSequences sequences = new HostileSequences(WindowSpec.DEFAULT, edge(), seeds.size());
    List<Sequence> done = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    System.out.println(
        "Fault suite: differential model, seeds "
            + seeds
            + " (-D"
            + HostileSequences.SEEDS_PROPERTY
            + "="
            + seeds.stream().map(String::valueOf).collect(Collectors.joining(","))
            + "), faults "
            + plan);
    StoreLayout layout = new StoreLayout(system.prefix());
    RedissonClient redis = StoreClients.create(system.redisUrl(), true);
    RedissonClient valkey = StoreClients.create(system.valkeyUrl(), true);
    try {
      List<HostileSequences.Store> stores =
          List.of(
              new HostileSequences.Store("Redis (Kafka path)", redis, layout),
              new HostileSequences.Store("Valkey (RabbitMQ path)", valkey, layout));
      for (int i = 0; i < seeds.size(); i++) {
        long started = System.nanoTime();
        Random random = new Random(seeds.get(i));
        List<String> faults = new ArrayList<>();
        int operations = HostileSequences.operations(random);
        int[] chunks = chunks(random, operations, 2 * plan.get(i).size() + 1);
        String where = "before the first fault";
        try {
          sequences.send(random, chunks[0]);
          for (int f = 0; f < plan.get(i).size(); f++) {
            Fault fault = plan.get(i).get(f);
            Duration outage = fault.outage(random);
            faults.add(fault.describe(outage));
            where = "during fault " + (f + 1) + " (" + faults.getLast() + ")";
            long down = System.nanoTime();
            fault.start.accept(system);
            sequences.send(random, chunks[2 * f + 1]);
            long left = outage.toMillis() - (System.nanoTime() - down) / 1_000_000;
            if (left > 0) {
              // Deliberate: the fault's duration.
              Thread.sleep(left);
            }
            fault.end.accept(system);
            where = "after fault " + (f + 1) + " (" + faults.getLast() + ")";
            sequences.send(random, chunks[2 * f + 2]);
          }
          if (i == seeds.size() - 1) {
            sequences.sendAheadOfTheClock(random);
          }
          where = "comparing the stores with the model after every fault";
          Duration convergence = sequences.awaitStoresEqualModel(CONVERGENCE, STABLE_FOR, stores);
          done.add(
              new Sequence(
                  seeds.get(i),
                  faults,
                  operations,
                  sequences.model().tweetsTotal(),
                  convergence,
                  Duration.ofNanos(System.nanoTime() - started),
                  null));
          System.out.printf(
              "Fault suite: differential seed %d, faults %s: %d operations, both stores equal the model"
                  + " (%d tweets counted) %d ms after the last one%n",
              seeds.get(i),
              faults,
              operations,
              sequences.model().tweetsTotal(),
              convergence.toMillis());
        } catch (AssertionError | RuntimeException | InterruptedException e) {
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          String earlier =
              done.stream()
                  .map(q -> "seed " + q.seed() + " " + q.faults())
                  .collect(Collectors.joining("; "));
          String problem =
              HostileSequences.failure(
                      seeds,
                      i,
                      "faults "
                          + faults
                          + (faults.size() < plan.get(i).size()
                              ? " of the planned " + plan.get(i)
                              : "")
                          + (earlier.isEmpty()
                              ? ""
                              : " (earlier sequences passed: " + earlier + ")")
                          + ", "
                          + where
                          + ": "
                          + e.getMessage(),
                      e)
                  .getMessage();
          done.add(
              new Sequence(
                  seeds.get(i),
                  faults,
                  operations,
                  sequences.model().tweetsTotal(),
                  null,
                  Duration.ofNanos(System.nanoTime() - started),
                  problem));
          problems.add(problem);
          System.out.println("Fault suite: differential FAIL: " + problem);
          // Later sequences would start from stores that already differ: nothing more to learn from
          // them.
          break;
        }
      }
    } finally {
      redis.shutdown();
      valkey.shutdown();
    }
    return new Result(done, sequences, problems);
  }

  /** {@code parts} chunk sizes of at least one operation each, summing to {@code operations}. */
  private static int[] chunks(Random random, int operations, int parts) {
    int[] sizes = new int[parts];
    Arrays.fill(sizes, 1);
    for (int left = operations - parts; left > 0; left--) {
      sizes[random.nextInt(parts)]++;
    }
    return sizes;
  }

  /**
   * The ingress of the process system, and its Kafka broker and RabbitMQ node for records past the
   * edge.
   */
  private HostileSequences.Edge edge() {
    return new HostileSequences.Edge() {
      @Override
      public HostileSequences.Answer post(String path, String json) {
        try {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(system.ingress().resolve(path))
                      .timeout(Duration.ofSeconds(30))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(json))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          return new HostileSequences.Answer(r.statusCode(), r.body());
        } catch (IOException e) {
          throw new IllegalStateException("POST " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted during POST " + path, e);
        }
      }

      @Override
      public void publishPastTheEdge(Municipality m, byte[] tweet) {
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrap()),
                new StringSerializer(),
                new ByteArraySerializer())) {
          producer.send(new ProducerRecord<>("weather-tweets", m.id(), tweet)).get();
          ConnectionFactory factory = new ConnectionFactory();
          factory.setUri(system.rabbitUri());
          // amqp-client reads the URI's "/" path as the empty vhost name; the system's services use
          // "/".
          factory.setVirtualHost("/");
          try (Connection connection = factory.newConnection("differential-past-the-edge");
              Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish(
                "weather.tweets", m.id(), true, MessageProperties.PERSISTENT_BASIC, tweet);
            channel.waitForConfirmsOrDie(10_000);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while publishing past the edge", e);
        } catch (Exception e) {
          throw new IllegalStateException("could not publish a record past the edge: " + e, e);
        }
      }
    };
  }
}
