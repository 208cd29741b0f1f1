package io.weathertweets.loadgen.tweets;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tweets read from a JSON-lines file (one HTTP body per line; blank lines and lines starting with
 * {@code #} are skipped). Lines are kept as written, invalid ones included, so a file can exercise
 * the rejections.
 */
public final class TweetFile implements TweetSource {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final List<LoadTweet> tweets;
  private final String idPrefix;

  private TweetFile(List<LoadTweet> tweets, String idPrefix) {
    this.tweets = tweets;
    this.idPrefix = idPrefix;
  }

  /**
   * @param idPrefix prefix of the ids given to tweets without one when they travel over v1 gRPC
   * @throws IllegalArgumentException naming the line when a line is not a JSON object
   */
  public static TweetFile read(Path file, String idPrefix) throws IOException {
    List<LoadTweet> tweets = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNumber = 0;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(trimmed);
        } catch (JacksonException e) {
          throw new IllegalArgumentException(
              file + ":" + lineNumber + ": not JSON: " + e.getOriginalMessage(), e);
        }
        if (!(node instanceof ObjectNode object)) {
          throw new IllegalArgumentException(
              file + ":" + lineNumber + ": expected a JSON object per line");
        }
        tweets.add(new LoadTweet(tweets.size(), object));
      }
    }
    return new TweetFile(List.copyOf(tweets), idPrefix);
  }

  @Override
  public long size() {
    return tweets.size();
  }

  @Override
  public LoadTweet get(long index) {
    return tweets.get(Math.toIntExact(index));
  }

  @Override
  public String fallbackId(long index) {
    return idPrefix + "-" + index;
  }
}
