package io.weathertweets.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder to a real server, for the two ways a server goes away as its client sees it,
 * without touching the (shared) server:
 *
 * <ul>
 *   <li>{@link #cut()}: every connection is closed and new ones are refused at once, as when the
 *       server's process dies; {@link #restore()} ends it.
 *   <li>{@link #silence()}: the connections open now stop carrying bytes in either direction but
 *       stay open, as when the server's node is lost or partitioned away: no FIN, no RST, only
 *       silence, which only the client's own heartbeats or keepalives can tell from a quiet peer.
 *       New connections are forwarded as usual, as a Kubernetes Service sends them to a live
 *       replica.
 * </ul>
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private volatile boolean closed;

  /** One client connection and its upstream connection. */
  private static final class Link {
    final Socket client;
    final Socket upstream;
    volatile boolean silent;

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void close() {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  public TcpProxy(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread.ofPlatform().daemon().name("tcp-proxy-" + port()).start(this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Closes every connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    for (Link link : links) {
      links.remove(link);
      link.close();
    }
  }

  public void restore() {
    cut = false;
  }

  /**
   * The connections open now carry nothing more, either way, and the proxy closes neither side of
   * them when the other side closes (until {@link #cut()} or {@link #close()}): what arrives on
   * them is read and dropped. New connections are forwarded.
   *
   * @return how many connections went silent
   */
  public int silence() {
    int silenced = 0;
    for (Link link : links) {
      link.silent = true;
      silenced++;
    }
    return silenced;
  }

  /**
   * A partition: the connections open now go silent as with {@link #silence()}, and new ones are
   * closed as soon as they are accepted, until {@link #restore()}.
   *
   * @return how many connections went silent
   */
  public int partition() {
    cut = true;
    return silence();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (cut) {
          closeQuietly(client);
          continue;
        }
        Socket upstream;
        try {
          upstream = new Socket(targetHost, targetPort);
        } catch (IOException e) {
          // The server itself is unreachable: the client is refused, as it would be without us.
          closeQuietly(client);
          continue;
        }
        Link link = new Link(client, upstream);
        links.add(link);
        if (cut) {
          // cut() ran between the check above and the add: it may have missed this link.
          links.remove(link);
          link.close();
          continue;
        }
        pump(link, link.client, link.upstream);
        pump(link, link.upstream, link.client);
      } catch (IOException e) {
        if (!closed) {
          // Keep accepting: a failed accept or upstream connect is what the client will see as an
          // outage.
          continue;
        }
      }
    }
  }

  private void pump(Link link, Socket from, Socket to) {
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              // Not try-with-resources: closing a socket's stream closes the socket, and a silent
              // link's other side must not learn that this side went away.
              byte[] buffer = new byte[16384];
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (!link.silent) {
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                }
              } catch (IOException e) {
                // The peer went away (or the test cut the link): close both directions below.
              }
              if (!link.silent) {
                links.remove(link);
                link.close();
              }
            });
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed: nothing left to release.
    }
  }

  @Override
  public void close() {
    closed = true;
    cut();
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
