package io.weathertweets.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.embedded.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as a user runs it: its own JVM, everything embedded. It prints one ready line within 60 s,
 * takes a tweet, and on SIGTERM (what Ctrl-C sends the JVM too) stops every service and server, leaving
 * no process and no listening port behind.
 */
class LauncherProcessTest {
  private static final Pattern READY = Pattern.compile("Weather Tweets is ready in ([0-9.]+) s");
  private Process launcher;

  @AfterEach
  void killLeftovers() {
    if (launcher != null && launcher.isAlive()) {
      launcher.descendants().forEach(ProcessHandle::destroyForcibly);
      launcher.destroyForcibly();
    }
  }

  @Test
  void shouldStartWithinAMinuteTakeATweetAndLeaveNothingBehindOnSigterm(@TempDir Path dataDir) throws Exception {
    int[] ports = FreePorts.distinct(12);
    String[] names = {"kafka", "kafka-controller", "amqp", "redis", "valkey", "ingress", "kafka-gateway-grpc",
        "kafka-gateway-http", "rabbit-gateway-grpc", "rabbit-gateway-http", "streams-http", "bridge-http"};
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m"));
    for (int i = 0; i < names.length; i++) {
      command.add("-Dweather.standalone." + names[i] + "-port=" + ports[i]);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), StandaloneLauncher.class.getName(),
        dataDir.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // The launcher must not pick up servers from the environment of whoever runs the tests.
    List.of("KAFKA_BOOTSTRAP_SERVERS", "RABBITMQ_URI", "REDIS_URL", "VALKEY_URL").forEach(builder.environment()::remove);
    launcher = builder.start();

    CompletableFuture<Double> ready = new CompletableFuture<>();
    StringBuilder output = new StringBuilder();
    Thread reader = Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
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
      ready.completeExceptionally(new AssertionError("launcher ended before it was ready"));
    });

    double seconds = ready.get(120, TimeUnit.SECONDS);
    assertThat(seconds).as("seconds until the ready line").isLessThan(60);
    HttpResponse<String> answer = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[5] + "/api/tweet"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"municipality\":\"amatitlan\",\"temperature\":22,\"humidity\":55,\"weather\":\"cloudy\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);

    List<ProcessHandle> children = launcher.descendants().toList();
    assertThat(children).as("the Redis and Valkey role servers").isNotEmpty();
    // SIGTERM through the handle: Process.destroy() would also close our end of its output pipe.
    launcher.toHandle().destroy();
    assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).as("launcher stopped").isTrue();
    reader.join(Duration.ofSeconds(30));
    synchronized (output) {
      assertThat(output).contains("Stopping Weather Tweets").contains("Embedded infrastructure stopped");
    }
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      assertThat(children).noneMatch(ProcessHandle::isAlive);
      for (int port : ports) {
        assertThat(isFree(port)).as("port %d free", port).isTrue();
      }
    });
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

}
