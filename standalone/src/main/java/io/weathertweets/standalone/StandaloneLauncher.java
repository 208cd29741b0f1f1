package io.weathertweets.standalone;

import io.weathertweets.standalone.infra.EmbeddedInfrastructure;
import io.weathertweets.standalone.infra.InfrastructurePorts;
import io.weathertweets.standalone.infra.PortInUseException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.catalina.webresources.TomcatURLStreamHandlerFactory;

/**
 * {@code java -jar standalone-*-exec.jar [--infra-only] [--strict-ports] [dataDir]}: the whole
 * system on one machine with only a JDK. Data lives under {@code dataDir} (default {@code ./data},
 * or {@code WEATHER_DATA_DIR}); Ctrl-C stops every service and every embedded server. {@code
 * --infra-only} starts just the embedded servers (for running each service in its own JVM against
 * them, as the benchmarks and the fault suite do).
 *
 * <p>A default port that something else already listens on (a RabbitMQ on 5672, a Redis on 6379,
 * another program on 8080) is replaced by a free one, and the ready line names every address in
 * use. {@code --strict-ports} (or {@code WEATHER_STRICT_PORTS=true}) refuses to start instead.
 *
 * <p>If the system is not ready within {@code WEATHER_START_TIMEOUT_SECONDS} (default 180), a
 * watchdog names what is still starting, writes a thread dump and exits with status 3, rather than
 * wait forever.
 */
public final class StandaloneLauncher {
  static final String START_TIMEOUT_ENV = "WEATHER_START_TIMEOUT_SECONDS";

  private StandaloneLauncher() {}

  public static void main(String[] args) throws Exception {
    long started = System.nanoTime();
    registerQpidUrlHandlers();
    Map<String, String> env = System.getenv();
    List<String> flags = Arrays.stream(args).filter(a -> a.startsWith("--")).toList();
    List<String> positional = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
    for (String flag : flags) {
      if (!List.of("--infra-only", "--strict-ports").contains(flag)) {
        System.err.println(
            "Unknown option "
                + flag
                + "; usage: java -jar standalone-*-exec.jar [--infra-only]"
                + " [--strict-ports] [dataDir]");
        System.exit(64);
      }
    }
    boolean strictPorts =
        flags.contains("--strict-ports")
            || Boolean.parseBoolean(env.getOrDefault("WEATHER_STRICT_PORTS", "false"));
    Path dataDir =
        Path.of(
            positional.isEmpty()
                ? env.getOrDefault("WEATHER_DATA_DIR", "data")
                : positional.get(0));
    List<String> moves = new ArrayList<>();
    InfrastructurePorts infraPorts = InfrastructurePorts.fromSystemProperties();
    if (!strictPorts) {
      infraPorts = infraPorts.movedOffTakenPorts(env, moves);
    }
    if (flags.contains("--infra-only")) {
      runInfrastructureOnly(dataDir, env, infraPorts, moves);
      return;
    }
    ServicePorts servicePorts = ServicePorts.fromSystemProperties();
    if (!strictPorts) {
      servicePorts = servicePorts.movedOffTakenPorts(moves);
    }
    moves.forEach(move -> System.out.println("Port in use, moved: " + move));
    StartWatchdog watchdog =
        StartWatchdog.start(
            Duration.ofSeconds(Long.parseLong(env.getOrDefault(START_TIMEOUT_ENV, "180"))),
            dataDir);
    Standalone standalone;
    try {
      standalone = Standalone.start(dataDir, env, infraPorts, servicePorts, Map.of());
    } catch (PortInUseException e) {
      System.err.println(
          "Cannot start: "
              + e.getMessage()
              + (strictPorts
                  ? " (without --strict-ports, taken ports are replaced by free ones)"
                  : ""));
      System.exit(2);
      return;
    }
    watchdog.ready();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("Stopping Weather Tweets…");
                  standalone.close();
                  stopped.countDown();
                },
                "standalone-shutdown"));
    System.out.println(standalone.readyLine(started));
    stopped.await();
  }

  private static void runInfrastructureOnly(
      Path dataDir, Map<String, String> env, InfrastructurePorts ports, List<String> moves)
      throws Exception {
    // No Spring context configures logging here: keep the brokers' INFO chatter out of the output.
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.weathertweets"))
        .setLevel(ch.qos.logback.classic.Level.INFO);
    EmbeddedInfrastructure infrastructure;
    try {
      infrastructure = EmbeddedInfrastructure.start(dataDir, env, ports);
    } catch (PortInUseException e) {
      System.err.println("Cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    moves.forEach(move -> System.out.println("# port in use, moved: " + move));
    // One line per variable, ready to be sourced by a script that starts the services.
    infrastructure.asEnvironment().forEach((name, value) -> System.out.println(name + "=" + value));
    System.out.println(
        "Weather Tweets infrastructure is ready: "
            + String.join("; ", infrastructure.embeddedParts()));
    new CountDownLatch(1).await(); // the infrastructure's own shutdown hook stops it on Ctrl-C
  }

  /**
   * The embedded AMQP broker reads its defaults from {@code classpath:} and {@code data:} URLs. The
   * JDK finds such handlers through the system class loader, which in the executable jar does not
   * hold the broker's classes; a handler factory makes them resolvable from the launcher's own
   * class loader. The JVM takes one factory only and embedded Tomcat insists on its own, so ours is
   * added to Tomcat's.
   */
  private static void registerQpidUrlHandlers() {
    TomcatURLStreamHandlerFactory.getInstance()
        .addUserFactory(
            protocol ->
                switch (protocol) {
                  case "classpath" ->
                      new org.apache.qpid.server.util.urlstreamhandler.classpath.Handler();
                  case "data" -> new org.apache.qpid.server.util.urlstreamhandler.data.Handler();
                  default -> null;
                });
  }
}
