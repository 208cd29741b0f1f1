package io.weathertweets.standalone.infra;

import io.weathertweets.embedded.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Refuses to start an embedded server on a port something else already uses. Without this check the
 * embedded server would fail deep inside its own startup with a bind error, or worse (Redis on a
 * shared host) the services would silently talk to whatever listens there.
 */
public final class PortGuard {

  private PortGuard() {}

  /**
   * {@code port} when it is free, else a free port chosen by the system (and the move described in
   * {@code moves}, e.g. "AMQP broker on 41533 (5672 is in use)"). Another process could take the
   * chosen port before it is bound; the part that binds it then fails with a bind error naming it.
   * A port the user chose by system property {@code property} is never moved: the usual check then
   * refuses it with a clear message. Two parts moved one after the other never get the same port
   * ({@link FreePorts}).
   */
  public static int freeOrMoved(
      int port, String property, String what, java.util.List<String> moves) {
    if (System.getProperty(property) != null || !isInUse(port)) {
      return port;
    }
    int moved = FreePorts.one();
    moves.add(what + " on " + moved + " (" + port + " is in use)");
    return moved;
  }

  public static boolean isInUse(int port) {
    // A listener on 127.0.0.1 only is invisible to a wildcard bind test on some systems, and a
    // listener on another interface is invisible to a loopback connect: check both.
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException refused) {
      // nothing accepts connections on loopback; now make sure we could bind it ourselves
    }
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(port));
      return false;
    } catch (IOException bindFailed) {
      return true;
    }
  }

  /**
   * Collects every taken port before failing, so one attempt tells the user everything to change.
   */
  static final class Check {
    private final java.util.List<String> problems = new java.util.ArrayList<>();
    private int firstPort = -1;

    /**
     * @param what the embedded part, for the message ("Kafka broker")
     * @param useInstead what to do to use the server that holds the port, e.g. {@code "set
     *     RABBITMQ_URI=amqp://guest:guest@localhost:5672/ to use that broker"}
     */
    Check requireFree(int port, String what, String useInstead) {
      if (isInUse(port)) {
        problems.add(
            "port "
                + port
                + " is in use, so the embedded "
                + what
                + " cannot start — "
                + useInstead
                + ", or stop what listens there (ss -ltnp 'sport = :"
                + port
                + "')");
        if (firstPort < 0) {
          firstPort = port;
        }
      }
      return this;
    }

    void orFail() {
      if (!problems.isEmpty()) {
        throw new PortInUseException(firstPort, String.join("; ", problems));
      }
    }
  }
}
