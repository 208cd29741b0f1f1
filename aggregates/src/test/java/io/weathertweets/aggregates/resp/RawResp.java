package io.weathertweets.aggregates.resp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tests' one plain RESP2 connection, for what they must see or do without a client library or
 * codec: that the store layout reads as plain strings, MONITOR, ACL SETUSER and commands as another
 * user, and servers that speak only enough of the protocol for a test (the embedded Redis-protocol
 * server).
 *
 * <p>Replies: String (simple or bulk), Long, List, null for a nil bulk or array. An error reply
 * throws {@link IllegalStateException} with the server's message; a connection failure throws
 * {@link UncheckedIOException}.
 */
public final class RawResp implements AutoCloseable {
  private static final int TIMEOUT_MS = 10_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawResp(String host, int port) {
    try {
      socket = new Socket(host, port);
      socket.setSoTimeout(TIMEOUT_MS);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A server on this machine. */
  public RawResp(int port) {
    this("127.0.0.1", port);
  }

  /** The server of a {@code redis://host:port} URL (credentials in it are not used). */
  public static RawResp connect(String url) {
    URI uri = URI.create(url);
    return new RawResp(uri.getHost(), uri.getPort());
  }

  /** Sends one command and returns its reply. */
  public synchronized Object call(Object... args) {
    send(args);
    return read();
  }

  /** A reply that is text (simple or bulk string), or null for a nil bulk. */
  public String text(Object... args) {
    return (String) call(args);
  }

  public synchronized void send(Object... args) {
    ByteArrayOutputStream command = new ByteArrayOutputStream();
    command.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
    for (Object arg : args) {
      byte[] bytes = arg.toString().getBytes(StandardCharsets.UTF_8);
      command.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      command.writeBytes(bytes);
      command.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    try {
      out.write(command.toByteArray());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next reply; after MONITOR, each command the server runs arrives as one simple string. */
  public Object read() {
    try {
      return reply();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Map<String, String> hgetall(String key) {
    return pairs(call("HGETALL", key));
  }

  public String type(String key) {
    return text("TYPE", key);
  }

  /** XRANGE key - +: entry id → fields. */
  public Map<String, Map<String, String>> xrange(String key) {
    Map<String, Map<String, String>> entries = new LinkedHashMap<>();
    for (Object entry : (List<?>) call("XRANGE", key, "-", "+")) {
      List<?> pair = (List<?>) entry;
      entries.put((String) pair.get(0), pairs(pair.get(1)));
    }
    return entries;
  }

  /**
   * Deletes every key under {@code prefix}: (SCAN is fine in tests; the applications never list
   * keys).
   */
  public void deleteAll(String prefix) {
    String cursor = "0";
    do {
      List<?> reply = (List<?>) call("SCAN", cursor, "MATCH", prefix + ":*", "COUNT", "1000");
      cursor = (String) reply.get(0);
      for (Object key : (List<?>) reply.get(1)) {
        call("DEL", key);
      }
    } while (!cursor.equals("0"));
  }

  private static Map<String, String> pairs(Object flatReply) {
    List<?> flat = (List<?>) flatReply;
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < flat.size(); i += 2) {
      map.put((String) flat.get(i), (String) flat.get(i + 1));
    }
    return map;
  }

  private Object reply() throws IOException {
    String line = line();
    String rest = line.substring(1);
    switch (line.charAt(0)) {
      case '+':
        return rest;
      case '-':
        throw new IllegalStateException(rest);
      case ':':
        return Long.parseLong(rest);
      case '$':
        {
          int length = Integer.parseInt(rest);
          if (length < 0) {
            return null;
          }
          byte[] bytes = in.readNBytes(length + 2);
          if (bytes.length < length + 2) {
            throw new IOException("connection closed");
          }
          return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int count = Integer.parseInt(rest);
          if (count < 0) {
            return null;
          }
          List<Object> items = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            items.add(reply());
          }
          return items;
        }
      default:
        throw new IOException("not a RESP2 reply: " + line);
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    for (int b = in.read(); b != -1; b = in.read()) {
      if (previous == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(b);
      previous = b;
    }
    throw new IOException("connection closed");
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
