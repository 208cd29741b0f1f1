package io.weathertweets.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Free TCP ports for servers a test or tool starts itself (the default ports are taken by real
 * servers on developer and CI machines). A port is free when asked; whoever binds it first wins, so
 * bind soon after asking.
 *
 * <p>A port is handed out at most once per JVM: a server that is stopped and started again keeps
 * its port, and nothing else is given it in between.
 */
public final class FreePorts {
  private static final int ATTEMPTS_PER_PORT = 50;
  private static final Set<Integer> handedOut = new HashSet<>();

  private FreePorts() {}

  /** One free port. */
  public static int one() {
    return distinct(1)[0];
  }

  /**
   * {@code count} free ports, held open together while they are picked so that they are distinct.
   */
  public static int[] distinct(int count) {
    return pick(count, 65536);
  }

  /**
   * One free port below {@code bound}, for a server that derives further ports by adding to its own
   * (RabbitMQ's distribution and CLI ports).
   */
  public static int below(int bound) {
    return pick(1, bound)[0];
  }

  /** True when something accepts TCP connections on 127.0.0.1:{@code port} within the timeout. */
  public static boolean accepts(int port, int timeoutMs) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  private static synchronized int[] pick(int count, int bound) {
    List<ServerSocket> held = new ArrayList<>();
    int[] ports = new int[count];
    try {
      int found = 0;
      for (int attempt = 0; found < count; attempt++) {
        if (attempt == ATTEMPTS_PER_PORT * count) {
          throw new IllegalStateException(
              "no "
                  + count
                  + " free port(s) below "
                  + bound
                  + " after "
                  + attempt
                  + " attempts (is the ephemeral port range above it?)");
        }
        ServerSocket socket = new ServerSocket(0);
        int port = socket.getLocalPort();
        if (port < bound && handedOut.add(port)) {
          held.add(socket);
          ports[found++] = port;
        } else {
          socket.close();
        }
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // only probed: nothing was accepted on it
        }
      }
    }
  }
}
