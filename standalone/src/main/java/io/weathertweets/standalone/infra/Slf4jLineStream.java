package io.weathertweets.standalone.infra;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;

/**
 * Turns what a tool prints (Kafka's storage formatter) into log lines: the launcher writes nothing
 * to stdout itself.
 */
final class Slf4jLineStream extends OutputStream {

  private final Logger log;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  Slf4jLineStream(Logger log) {
    this.log = log;
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      flushLine();
    } else {
      line.write(b);
    }
  }

  @Override
  public synchronized void flush() {
    // PrintStream flushes after each println; a partial line waits for its newline or close().
  }

  @Override
  public synchronized void close() {
    flushLine();
  }

  private void flushLine() {
    String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
    line.reset();
    if (!text.isEmpty()) {
      log.info(text);
    }
  }
}
