package io.weathertweets.standalone.infra;

/**
 * A fixed port of an embedded server is taken. Thrown before anything is started, so no
 * half-started infrastructure is left behind; the message says which environment variable makes the
 * launcher use the server that holds the port instead.
 */
public final class PortInUseException extends IllegalStateException {

  private final int port;

  PortInUseException(int port, String message) {
    super(message);
    this.port = port;
  }

  public int port() {
    return port;
  }
}
