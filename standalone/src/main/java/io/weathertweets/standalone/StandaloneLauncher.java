package io.weathertweets.standalone;

import io.weathertweets.standalone.infra.InfrastructurePorts;
import io.weathertweets.standalone.infra.PortInUseException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.catalina.webresources.TomcatURLStreamHandlerFactory;

/**
 * {@code java -jar standalone-*-exec.jar [dataDir]}: the whole system on one machine with only a JDK.
 * Data lives under {@code dataDir} (default {@code ./data}, or {@code WEATHER_DATA_DIR}); Ctrl-C stops
 * every service and every embedded server.
 */
public final class StandaloneLauncher {
  private StandaloneLauncher() {}

  public static void main(String[] args) throws Exception {
    long started = System.nanoTime();
    registerQpidUrlHandlers();
    Map<String, String> env = System.getenv();
    Path dataDir = Path.of(args.length > 0 ? args[0] : env.getOrDefault("WEATHER_DATA_DIR", "data"));
    Standalone standalone;
    try {
      standalone = Standalone.start(dataDir, env, InfrastructurePorts.fromSystemProperties(),
          ServicePorts.defaults(), Map.of());
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
