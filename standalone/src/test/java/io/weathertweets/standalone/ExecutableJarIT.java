package io.weathertweets.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.embedded.FreePorts;
import io.weathertweets.entry.EntryPoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executable jar as users run it ({@code java -jar standalone-*-exec.jar}), not the classes:
 * class loading from the nested jar is where start-up once deadlocked in most starts on two cores.
 * Started again and again, on a machine whose default ports are taken, strict, and on a Java that
 * is too old.
 */
class ExecutableJarIT {
  private static final Pattern READY = Pattern.compile("Weather Tweets is ready in ([0-9.]+) s");
  private static final Pattern INGRESS = Pattern.compile("live page http://localhost:(\\d+)/");
  private static final String[] PORT_NAMES = {
    "kafka",
    "kafka-controller",
    "amqp",
    "redis",
    "valkey",
    "ingress",
    "kafka-gateway-grpc",
    "kafka-gateway-http",
    "rabbit-gateway-grpc",
    "rabbit-gateway-http",
    "streams-http",
    "bridge-http"
  };
  private static final int[] DEFAULT_PORTS = {
    9092, 9093, 5672, 6379, 6380, 8080, 9090, 8081, 9091, 8082, 8083, 8084
  };

  private final List<Launched> launched = new ArrayList<>();
  private final List<ServerSocket> squatters = new ArrayList<>();

  @AfterEach
  void stopEverything() throws IOException {
    for (Launched l : launched) {
      l.process.descendants().forEach(ProcessHandle::destroyForcibly);
      l.process.destroyForcibly();
    }
    for (ServerSocket s : squatters) {
      s.close();
    }
  }

  /**
   * Three starts (system property {@code weather.jar-starts}; raise it to hunt an intermittent
   * hang), each ready within 60 s; the first takes a tweet; each stops on SIGTERM leaving no
   * process and no listening port behind. The start-up deadlock this guards against hung in most
   * starts: with the start of {@link #movesOffTakenDefaultPorts}, the class starts the jar four
   * times, which miss a fault that hangs every other start with a chance of 1 in 16, at 20 s per
   * start.
   */
  @Test
  void startsEveryTime(@TempDir Path dir) throws Exception {
    int starts = Integer.getInteger("weather.jar-starts", 3);
    List<Double> seconds = new ArrayList<>();
    for (int i = 0; i < starts; i++) {
      int[] ports = FreePorts.distinct(PORT_NAMES.length);
      List<String> options = new ArrayList<>();
      for (int p = 0; p < PORT_NAMES.length; p++) {
        options.add("-Dweather.standalone." + PORT_NAMES[p] + "-port=" + ports[p]);
      }
      Launched jar =
          launch(
              javaOf(System.getProperty("java.home")),
              options,
              List.of(dir.resolve("run" + i).toString()));
      double ready = jar.ready.get(90, TimeUnit.SECONDS);
      assertThat(ready)
          .as("start %d of %d: seconds until ready; output:%n%s", i + 1, starts, jar.output())
          .isLessThan(60);
      seconds.add(ready);
      if (i == 0) {
        HttpResponse<String> answer = postTweet(ports[5]);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(jar.process.descendants().toList())
            .as("the Redis and Valkey role servers")
            .isNotEmpty();
      }
      stop(jar);
      // SIGTERM (what Ctrl-C sends the JVM too) stops every service and server and frees every
      // port.
      assertThat(jar.output())
          .contains("Stopping Weather Tweets")
          .contains("Embedded infrastructure stopped");
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                for (int port : ports) {
                  assertThat(isFree(port)).as("port %d free", port).isTrue();
                }
              });
    }
    System.out.printf("executable jar: %d starts, seconds until ready: %s%n", starts, seconds);
  }

  /**
   * Every default port held by a real listener (as on a machine that runs RabbitMQ and Redis): the
   * one command still starts, on free ports, says which, and takes a tweet at the address it
   * printed.
   */
  @Test
  void movesOffTakenDefaultPorts(@TempDir Path dir) throws Exception {
    occupyEveryDefaultPort();
    Launched jar =
        launch(javaOf(System.getProperty("java.home")), List.of(), List.of(dir.toString()));
    jar.ready.get(120, TimeUnit.SECONDS);
    String output = jar.output();
    assertThat(output)
        .contains("Port in use, moved: embedded AMQP broker on")
        .contains("Port in use, moved: ingress HTTP on")
        .doesNotContain("Cannot start")
        // The first screen carries no warning a newcomer has to look up: native access is granted
        // by the jar's manifest, and the embedded Valkey's once-a-second fsync is stated, not
        // warned about.
        .doesNotContain("WARNING: A restricted method")
        .contains("Acknowledging batches once Valkey")
        .doesNotContain("waiting for that fsync");
    String readyLine =
        output.lines().filter(l -> READY.matcher(l).find()).findFirst().orElseThrow();
    Matcher ingress = INGRESS.matcher(readyLine);
    assertThat(ingress.find()).as(readyLine).isTrue();
    int ingressPort = Integer.parseInt(ingress.group(1));
    assertThat(ingressPort).isNotEqualTo(8080);
    assertThat(readyLine)
        .doesNotContain("localhost:5672")
        .doesNotContain("localhost:6379")
        .doesNotContain("localhost:9092");
    HttpResponse<String> answer = postTweet(ingressPort);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    stop(jar);
  }

  @Test
  void strictPortsRefusesTakenPorts(@TempDir Path dir) throws Exception {
    occupyEveryDefaultPort();
    Launched jar =
        launch(
            javaOf(System.getProperty("java.home")),
            List.of(),
            List.of("--strict-ports", dir.toString()));
    assertThat(jar.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(jar.process.exitValue()).isEqualTo(2);
    assertThat(jar.output())
        .contains("Cannot start: port 9092 is in use")
        .contains("port 5672 is in use")
        .contains("RABBITMQ_URI")
        .contains("without --strict-ports");
  }

  @Test
  void namesTheJavaItNeedsOnAnOlderRuntime(@TempDir Path dir) throws Exception {
    Path old = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
    assumeThat(Files.isExecutable(old)).as("a Java 17 runtime at " + old).isTrue();
    Launched jar = launch(old.toString(), List.of(), List.of(dir.toString()));
    assertThat(jar.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(jar.process.exitValue()).isEqualTo(EntryPoint.EXIT_TOO_OLD);
    assertThat(jar.output())
        .contains("Weather Tweets needs Java 21 or newer; this is Java 17")
        .doesNotContain("UnsupportedClassVersionError")
        .doesNotContain("Exception");
  }

  /** A start that cannot finish is ended by the watchdog, with a reason and a thread dump. */
  @Test
  void watchdogEndsAStartThatDoesNotFinish(@TempDir Path dir) throws Exception {
    int[] ports = FreePorts.distinct(PORT_NAMES.length);
    List<String> options = new ArrayList<>();
    for (int p = 0; p < PORT_NAMES.length; p++) {
      options.add("-Dweather.standalone." + PORT_NAMES[p] + "-port=" + ports[p]);
    }
    // One second is too short for anything to start: the watchdog must fire and name what is
    // pending.
    Launched jar =
        launch(
            javaOf(System.getProperty("java.home")),
            options,
            List.of(dir.toString()),
            Map.of(StandaloneLauncher.START_TIMEOUT_ENV, "1"));
    assertThat(jar.process.waitFor(60, TimeUnit.SECONDS)).as(jar.output()).isTrue();
    assertThat(jar.process.exitValue()).isEqualTo(StartWatchdog.EXIT_STATUS);
    assertThat(jar.output())
        .contains("Weather Tweets was not ready after 1 s")
        .contains("Still starting: [embedded infrastructure");
    assertThat(dir.resolve("start-timeout-threads.txt")).isNotEmptyFile();
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void occupyEveryDefaultPort() throws IOException {
    for (int port : DEFAULT_PORTS) {
      try {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(port));
        squatters.add(socket);
      } catch (IOException taken) {
        // already held by a real server (RabbitMQ, Redis, …): exactly the situation under test
      }
    }
  }

  private static HttpResponse<String> postTweet(int port) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/tweet"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"municipality\":\"mixco\",\"temperature\":22,\"humidity\":55,\"weather\":\"cloudy\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static String javaOf(String home) {
    return Path.of(home, "bin", "java").toString();
  }

  private Launched launch(String java, List<String> options, List<String> args) throws IOException {
    return launch(java, options, args, Map.of());
  }

  private Launched launch(
      String java, List<String> options, List<String> args, Map<String, String> env)
      throws IOException {
    String jar = System.getProperty("weather.exec-jar");
    assertThat(jar).as("system property weather.exec-jar (set by the build)").isNotNull();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx768m"));
    command.addAll(options);
    command.addAll(List.of("-jar", jar));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // As a user without servers of their own would run it: nothing taken from the test's
    // environment.
    List.of(
            "KAFKA_BOOTSTRAP_SERVERS",
            "RABBITMQ_URI",
            "REDIS_URL",
            "VALKEY_URL",
            "WEATHER_STRICT_PORTS",
            StandaloneLauncher.START_TIMEOUT_ENV)
        .forEach(builder.environment()::remove);
    builder.environment().putAll(env);
    Launched l = new Launched(builder.start());
    launched.add(l);
    return l;
  }

  private static void stop(Launched jar) throws Exception {
    List<ProcessHandle> children = jar.process.descendants().toList();
    jar.process.toHandle().destroy();
    assertThat(jar.process.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    for (ProcessHandle child : children) {
      assertThat(child.onExit().get(15, TimeUnit.SECONDS).isAlive()).isFalse();
    }
  }

  private static final class Launched {
    final Process process;
    final CompletableFuture<Double> ready = new CompletableFuture<>();
    private final StringBuilder output = new StringBuilder();

    Launched(Process process) {
      this.process = process;
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (output) {
                      output.append(line).append('\n');
                    }
                    Matcher matcher = READY.matcher(line);
                    if (matcher.find()) {
                      ready.complete(Double.parseDouble(matcher.group(1)));
                    }
                  }
                } catch (IOException e) {
                  ready.completeExceptionally(e);
                }
                ready.completeExceptionally(
                    new AssertionError("the launcher ended before it was ready:\n" + output()));
              });
    }

    String output() {
      synchronized (output) {
        return output.toString();
      }
    }
  }
}
