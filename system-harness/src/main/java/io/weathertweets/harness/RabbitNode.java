package io.weathertweets.harness;

import io.weathertweets.embedded.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A RabbitMQ node of the local installation ({@code /usr/lib/rabbitmq}) with a name, ports, Erlang
 * cookie, configuration and data of its own under one directory, listening on 127.0.0.1 only.
 * Optionally it loads a definitions file at boot, as the cluster's nodes do. The machine's own node
 * keeps its data, cookie and configuration files; what the two share is the installation's
 * environment file ({@code rabbitmq-env.conf}) and the machine's epmd.
 */
public final class RabbitNode implements AutoCloseable {
  private static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");
  private static final Path CTL = Path.of("/usr/lib/rabbitmq/bin/rabbitmqctl");

  // RabbitMQ documents the CLI tools' ports as the node's distribution port + 10000..10010, and
  // without RABBITMQ_DIST_PORT that port is the AMQP port + 20000: below 45000 both stay valid.
  private final int amqpPort = FreePorts.below(45000);
  private final int distPort = FreePorts.below(45000);
  private final String nodeName = "wt-" + amqpPort + "@localhost";
  private final Path home;
  private final Path logs;
  private final ManagedProcess process;

  /** True when the RabbitMQ server and its CLI are installed where this class runs them. */
  public static boolean installed() {
    return Files.isExecutable(SERVER) && Files.isExecutable(CTL);
  }

  /**
   * @param dir the node's data, configuration and cookie
   * @param logs where the node's output and the CLI's go
   * @param definitions a definitions file to load at boot (users, vhosts, permissions), or null for
   *     RabbitMQ's default user (guest, from 127.0.0.1 only)
   */
  public RabbitNode(Path dir, Path logs, Path definitions) {
    this.home = dir.resolve("home");
    this.logs = logs;
    Path config = dir.resolve("rabbitmq.conf");
    try {
      Files.createDirectories(home);
      Files.writeString(
          config,
          "listeners.tcp.default = 127.0.0.1:"
              + amqpPort
              + "\n"
              + (definitions == null ? "" : "load_definitions = " + definitions + "\n"));
      Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env = new HashMap<>();
    // HOME holds the node's own Erlang cookie; rabbitmqctl runs with the same HOME.
    env.put("HOME", home.toString());
    env.put("RABBITMQ_NODENAME", nodeName);
    env.put("RABBITMQ_DIST_PORT", String.valueOf(distPort));
    env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
    env.put("RABBITMQ_CONFIG_FILE", config.toString());
    env.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("no-advanced.config").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_PID_FILE", dir.resolve("pid").toString());
    env.put("RABBITMQ_PLUGINS_EXPAND_DIR", dir.resolve("plugins").toString());
    process = new ManagedProcess("rabbitmq", List.of(SERVER.toString()), env, logs);
  }

  public int amqpPort() {
    return amqpPort;
  }

  /** The default user's URI (guest/guest: local only, as RabbitMQ allows it). */
  public String guestUri() {
    return "amqp://guest:guest@127.0.0.1:" + amqpPort + "/";
  }

  public ManagedProcess process() {
    return process;
  }

  /** Starts the node and waits until it accepts AMQP connections (definitions are loaded then). */
  public RabbitNode start(Duration atMost) {
    process.start();
    try {
      process.awaitUp(
          "RabbitMQ node accepts AMQP connections",
          atMost,
          Duration.ofMillis(300),
          () -> FreePorts.accepts(amqpPort, 500));
    } catch (RuntimeException e) {
      // The caller never gets a node to close: stop it here.
      stop();
      throw e;
    }
    return this;
  }

  /**
   * {@code rabbitmqctl} against this node, e.g. {@code stop_app} (the broker goes away, the Erlang
   * VM stays) and {@code start_app} (back).
   */
  public void ctl(String... args) {
    Path log = logs.resolve("rabbitmqctl.log");
    List<String> command = new ArrayList<>(List.of(CTL.toString(), "-n", nodeName));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("HOME", home.toString());
    try {
      Process p = pb.start();
      ManagedProcess.killOnExit(p);
      try {
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          ManagedProcess.killTree(p);
          throw new IllegalStateException(
              "rabbitmqctl "
                  + String.join(" ", args)
                  + " failed; the last lines of "
                  + log
                  + ":\n"
                  + ManagedProcess.lastLines(log, 20));
        }
      } finally {
        ManagedProcess.forget(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during rabbitmqctl " + args[0], e);
    }
  }

  /**
   * A clean stop ({@code rabbitmqctl stop}), as an operator (or Kubernetes) stops a broker; what is
   * left after 20 s is killed.
   */
  public void stop() {
    if (!process.isAlive()) {
      return;
    }
    try {
      ctl("stop");
    } catch (RuntimeException e) {
      System.err.println(e.getMessage() + "; killing the node");
    }
    process.stop(Duration.ofSeconds(20));
  }

  @Override
  public void close() {
    stop();
  }
}
