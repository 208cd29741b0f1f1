package io.weathertweets.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free TCP ports, never the same one twice in a run (a stopped server's port stays reserved for its
 * restart).
 */
public final class Ports {
  private static final Set<Integer> handedOut = new HashSet<>();

  private Ports() {}

  public static synchronized int free() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket socket = new ServerSocket(0)) {
        socket.setReuseAddress(true);
        int port = socket.getLocalPort();
        // RabbitMQ derives its distribution port as AMQP + 20000 unless told otherwise; stay below
        // that range.
        if (port < 45000 && handedOut.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("No free port", e);
      }
    }
    throw new IllegalStateException("No free port below 45000 after 50 attempts");
  }
}
