package io.weathertweets.streams;

import io.weathertweets.embedded.LocalServers;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain RESP over a socket: proves the layout reads as strings without any client library or codec. */
public final class RawRedis implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  public RawRedis(String host, int port) {
    try {
      socket = new Socket(host, port);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RawRedis local() {
    return new RawRedis(LocalServers.redisHost(), LocalServers.redisPort());
  }

  public synchronized Object command(String... args) {
    try {
      StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
      for (String a : args) {
        byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
        sb.append('$').append(bytes.length).append("\r\n").append(a).append("\r\n");
      }
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Map<String, String> hgetall(String key) {
    @SuppressWarnings("unchecked")
    List<Object> flat = (List<Object>) command("HGETALL", key);
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < flat.size(); i += 2) {
      map.put((String) flat.get(i), (String) flat.get(i + 1));
    }
    return map;
  }

  public String type(String key) {
    return (String) command("TYPE", key);
  }

  /** XRANGE key - +: entry id → fields. */
  @SuppressWarnings("unchecked")
  public Map<String, Map<String, String>> xrange(String key) {
    Map<String, Map<String, String>> entries = new LinkedHashMap<>();
    for (Object entry : (List<Object>) command("XRANGE", key, "-", "+")) {
      List<Object> pair = (List<Object>) entry;
      List<Object> flat = (List<Object>) pair.get(1);
      Map<String, String> fields = new LinkedHashMap<>();
      for (int i = 0; i < flat.size(); i += 2) {
        fields.put((String) flat.get(i), (String) flat.get(i + 1));
      }
      entries.put((String) pair.get(0), fields);
    }
    return entries;
  }

  /** Deletes every key under {@code prefix}: (SCAN is fine in tests; the app never lists keys). */
  @SuppressWarnings("unchecked")
  public void deleteAll(String prefix) {
    String cursor = "0";
    do {
      List<Object> reply = (List<Object>) command("SCAN", cursor, "MATCH", prefix + ":*", "COUNT", "1000");
      cursor = (String) reply.get(0);
      for (Object key : (List<Object>) reply.get(1)) {
        command("DEL", (String) key);
      }
    } while (!cursor.equals("0"));
  }

  private Object read() throws IOException {
    int type = in.read();
    String line = line();
    return switch (type) {
      case '+' -> line;
      case '-' -> throw new IllegalStateException("Redis error: " + line);
      case ':' -> Long.parseLong(line);
      case '$' -> {
        int len = Integer.parseInt(line);
        if (len < 0) {
          yield null;
        }
        byte[] data = in.readNBytes(len);
        in.readNBytes(2);
        yield new String(data, StandardCharsets.UTF_8);
      }
      case '*' -> {
        int n = Integer.parseInt(line);
        if (n < 0) {
          yield null;
        }
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(read());
        }
        yield items;
      }
      default -> throw new IllegalStateException("unexpected RESP type " + (char) type);
    };
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      sb.append((char) c);
    }
    in.read();
    return sb.toString();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
