package io.weathertweets.standalone.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.aggregates.resp.RawResp;
import io.weathertweets.embedded.RedisProtocolServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisProtocolServerTest {

  @TempDir Path dataDir;

  @Test
  void shouldServeWithTheBundledRedisWhenNoServerIsOnThePath() throws Exception {
    // What a machine with only a JDK gets.
    RedisProtocolServer.Executable bundled = RedisProtocolServer.executableFor(List.of());
    assertThat(bundled.description()).startsWith("bundled redis-server");
    int port = InfrastructurePorts.free().redis();
    List<ProcessHandle> processes;
    try (RedisProtocolServer server = RedisProtocolServer.start("Redis", bundled, dataDir, port);
        RawResp client = RawResp.connect("redis://localhost:" + port)) {
      processes = server.processes();
      assertThat(client.text("SET", "k", "v")).isEqualTo("OK");
      assertThat(client.text("GET", "k")).isEqualTo("v");
      assertThat(client.text("INFO", "server")).contains("redis_version:6.2");
      assertThat(client.text("INFO", "persistence")).contains("aof_enabled:1");
    }
    assertThat(processes).isNotEmpty().noneMatch(ProcessHandle::isAlive);
    assertThat(PortGuard.isInUse(port)).isFalse();
  }

  @Test
  void shouldStopTheServerWhenTheLauncherIsKilled() throws Exception {
    int port = InfrastructurePorts.free().redis();
    Process launcher =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                RedisLauncherMain.class.getName(),
                dataDir.toString(),
                String.valueOf(port))
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8));
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.startsWith("ready "));
      assertThat(line).as("the child launcher's ready line").isNotNull();
      assertThat(RedisProtocolServer.ping(port)).isEqualTo("PONG");

      launcher.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs

      await().atMost(Duration.ofSeconds(10)).until(() -> !PortGuard.isInUse(port));
    } finally {
      launcher.destroyForcibly();
    }
  }

  /** A launcher to kill: starts one server and waits. */
  public static final class RedisLauncherMain {
    public static void main(String[] args) throws Exception {
      RedisProtocolServer server =
          RedisProtocolServer.start(
              "Redis",
              RedisProtocolServer.executableFor(List.of("redis-server", "valkey-server")),
              Path.of(args[0]),
              Integer.parseInt(args[1]));
      System.out.println("ready " + server.processes());
      System.out.flush();
      Thread.sleep(Duration.ofMinutes(2));
    }
  }
}
