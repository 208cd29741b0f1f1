package io.weathertweets.standalone;

import io.weathertweets.standalone.infra.EmbeddedInfrastructure;
import io.weathertweets.standalone.infra.InfrastructurePorts;
import io.weathertweets.standalone.infra.PortInUseException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.catalina.webresources.TomcatURLStreamHandlerFactory;

/**
 * {@code java -jar standalone-*-exec.jar [--infra-only] [dataDir]}: the whole system on one machine with
 * only a JDK. Data lives under {@code dataDir} (default {@code ./data}, or {@code WEATHER_DATA_DIR}); Ctrl-C
 * stops every service and every embedded server. {@code --infra-only} starts just the embedded servers (for
 * running each service in its own JVM against them, as the benchmarks and the fault suite do).
 */
public final class StandaloneLauncher {
  private StandaloneLauncher() {}

  public static void main(String[] args) throws Exception {
    long started = System.nanoTime();
    registerQpidUrlHandlers();
    Map<String, String> env = System.getenv();
    boolean infraOnly = args.length > 0 && args[0].equals("--infra-only");
    String[] rest = infraOnly ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
    Path dataDir = Path.of(rest.length > 0 ? rest[0] : env.getOrDefault("WEATHER_DATA_DIR", "data"));
    if (infraOnly) {
      runInfrastructureOnly(dataDir, env);
      return;
    }
    Standalone standalone;
    try {
      standalone = Standalone.start(dataDir, env, InfrastructurePorts.fromSystemProperties(),
          ServicePorts.fromSystemProperties(), Map.of());
    } catch (PortInUseException e) {
      System.err.println("Cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("Stopping Weather Tweets…");
      standalone.close();
      stopped.countDown();
    }, "standalone-shutdown"));
    System.out.println(standalone.readyLine(started));
    stopped.await();
  }

  private static void runInfrastructureOnly(Path dataDir, Map<String, String> env) throws Exception {
    // No Spring context configures logging here: keep the brokers' INFO chatter out of the output.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.weathertweets"))
        .setLevel(ch.qos.logback.classic.Level.INFO);
    EmbeddedInfrastructure infrastructure;
    try {
      infrastructure = EmbeddedInfrastructure.start(dataDir, env, InfrastructurePorts.fromSystemProperties());
    } catch (PortInUseException e) {
      System.err.println("Cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    // One line per variable, ready to be sourced by a script that starts the services.
    infrastructure.asEnvironment().forEach((name, value) -> System.out.println(name + "=" + value));
    System.out.println("Weather Tweets infrastructure is ready: " + String.join("; ", infrastructure.embeddedParts()));
    new CountDownLatch(1).await();  // the infrastructure's own shutdown hook stops it on Ctrl-C
  }

  /**
   * The embedded AMQP broker reads its defaults from {@code classpath:} and {@code data:} URLs. The JDK
   * finds such handlers through the system class loader, which in the executable jar does not hold the
   * broker's classes; a handler factory makes them resolvable from the launcher's own class loader. The
   * JVM takes one factory only and embedded Tomcat insists on its own, so ours is added to Tomcat's.
   */
  private static void registerQpidUrlHandlers() {
    TomcatURLStreamHandlerFactory.getInstance().addUserFactory(protocol -> switch (protocol) {
      case "classpath" -> new org.apache.qpid.server.util.urlstreamhandler.classpath.Handler();
      case "data" -> new org.apache.qpid.server.util.urlstreamhandler.data.Handler();
      default -> null;
    });
  }
}
