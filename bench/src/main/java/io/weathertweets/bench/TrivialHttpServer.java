package io.weathertweets.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * The "trivial HTTP POST" limit: reads the body and answers 202 with no work, on the JDK's own
 * server, so the ratio S2 / this rate shows what our ingress costs over plain HTTP handling under
 * the same load tool (wrk). nginx is not installed on the benchmark machine; on the same kind of
 * two-core machine it answered ~150-180k req/s, for comparison.
 *
 * <p>Usage: {@code TrivialHttpServer <port> [threads]}. Runs until killed.
 */
public final class TrivialHttpServer {
  private TrivialHttpServer() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
    server.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
          }
          exchange.sendResponseHeaders(202, -1);
          exchange.close();
        });
    server.setExecutor(Executors.newFixedThreadPool(threads));
    server.start();
    System.out.println("trivial HTTP server listening on " + port);
  }
}
