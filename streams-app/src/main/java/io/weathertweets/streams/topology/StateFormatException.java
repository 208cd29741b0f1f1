package io.weathertweets.streams.topology;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Aggregate state that this release cannot read (an unknown format version, a truncated value).
 * Never skipped: {@link DeadLetterHandler} fails the task on it, so no figure is computed without
 * the state it depends on.
 */
final class StateFormatException extends SerializationException {
  StateFormatException(String message) {
    super(message);
  }

  StateFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
