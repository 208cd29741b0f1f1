package io.weathertweets.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free TCP ports for servers a test or tool starts itself (the default ports are taken by real
 * servers on developer and CI machines). A port is free when asked; whoever binds it first wins, so
 * bind soon after asking.
 */
public final class FreePorts {

  private FreePorts() {}

  /** One free port. */
  public static int one() {
    return distinct(1)[0];
  }

  /**
   * {@code count} free ports, held open together while they are picked so that they are distinct.
   */
  public static int[] distinct(int count) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        held.add(new ServerSocket(0));
      }
      return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
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
