package io.weathertweets.deploy;

import io.weathertweets.embedded.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A RabbitMQ node of the local installation (/usr/lib/rabbitmq), started with its own name, ports
 * and data under a temp dir, loading a definitions file at boot as the cluster's nodes do. Stopped
 * with {@link #close}.
 */
final class LocalRabbit implements AutoCloseable {
  static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");
  static final Path CTL = Path.of("/usr/lib/rabbitmq/bin/rabbitmqctl");

  final int amqpPort;
  final String nodeName;
  final Path base;
  final Process process;

  static boolean installed() {
    return Files.isExecutable(SERVER) && Files.isExecutable(CTL);
  }

  LocalRabbit(Path base, Path definitions) throws IOException {
    int[] ports = FreePorts.distinct(2);
    this.amqpPort = ports[0];
    this.base = Files.createDirectories(base);
    this.nodeName = "weather-test-" + ports[0] + "@localhost";
    Files.writeString(
        base.resolve("rabbitmq.conf"),
        "listeners.tcp.default = " + ports[0] + "\nload_definitions = " + definitions + "\n");
    Files.writeString(base.resolve("enabled_plugins"), "[].\n");
    ProcessBuilder pb =
        new ProcessBuilder(SERVER.toString())
            .redirectErrorStream(true)
            .redirectOutput(base.resolve("rabbitmq.log").toFile());
    Map<String, String> env = pb.environment();
    env.put("HOME", base.toString());
    env.put("RABBITMQ_NODENAME", nodeName);
    env.put("RABBITMQ_DIST_PORT", String.valueOf(ports[1]));
    env.put("RABBITMQ_MNESIA_BASE", base.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", base.resolve("log").toString());
    env.put("RABBITMQ_CONFIG_FILE", base.resolve("rabbitmq.conf").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", base.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_PID_FILE", base.resolve("pid").toString());
    env.put("RABBITMQ_PLUGINS_EXPAND_DIR", base.resolve("plugins").toString());
    this.process = pb.start();
  }

  String log() throws IOException {
    return Files.readString(base.resolve("rabbitmq.log"));
  }

  /**
   * rabbitmqctl against this node (stop_app: the broker goes away, the Erlang VM stays; start_app:
   * back).
   */
  void ctl(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 3];
    command[0] = CTL.toString();
    command[1] = "-n";
    command[2] = nodeName;
    System.arraycopy(args, 0, command, 3, args.length);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(base.resolve("rabbitmqctl.log").toFile()));
    pb.environment().put("HOME", base.toString());
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "rabbitmqctl "
              + String.join(" ", args)
              + " failed: "
              + Files.readString(base.resolve("rabbitmqctl.log")));
    }
  }

  @Override
  public void close() throws Exception {
    try {
      ctl("stop");
    } catch (IllegalStateException e) {
      // Already gone.
    } finally {
      process.destroyForcibly();
    }
  }
}
