package io.weathertweets.streams.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which Kafka cluster and which input topic the local state of this application belongs to, kept in
 * a file beside the state ({@value #FILE}). Local state (RocksDB, checkpoints) is only a cache of
 * the changelog topics of one cluster: restarted against another cluster, or against a re-created
 * input topic, it would bring that cluster's counts along. Before Kafka Streams starts, a mismatch
 * wipes the local state, which is then rebuilt from the changelogs of the cluster actually
 * connected.
 */
final class StateOrigin {
  static final String FILE = "weather-state-origin";

  private final Path appStateDir;

  /**
   * @param appStateDir {@code <state-dir>/<application-id>}, the directory Kafka Streams keeps its
   *     state in
   */
  StateOrigin(Path appStateDir) {
    this.appStateDir = appStateDir;
  }

  /** {@code clusterId/topicId} of the input topic. */
  static String of(String clusterId, String topicId) {
    return clusterId + "/" + topicId;
  }

  /** The origin recorded by an earlier run, if any. */
  Optional<String> recorded() {
    Path file = appStateDir.resolve(FILE);
    try {
      return Files.exists(file)
          ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim())
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /**
   * True when the local state must be wiped before start: there is state, and it was recorded for
   * another origin or for none (a state directory of an earlier version, which cannot tell where it
   * came from).
   */
  boolean isForeign(String current) {
    return hasState() && !recorded().map(current::equals).orElse(false);
  }

  void record(String current) {
    try {
      Files.createDirectories(appStateDir);
      Files.writeString(appStateDir.resolve(FILE), current + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + appStateDir.resolve(FILE), e);
    }
  }

  private boolean hasState() {
    if (!Files.isDirectory(appStateDir)) {
      return false;
    }
    try (var entries = Files.list(appStateDir)) {
      // Task directories are named like 0_3; Kafka Streams' own metadata files do not count as
      // state.
      return entries.anyMatch(
          p -> Files.isDirectory(p) && p.getFileName().toString().matches("\\d+_\\d+"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + appStateDir, e);
    }
  }
}
