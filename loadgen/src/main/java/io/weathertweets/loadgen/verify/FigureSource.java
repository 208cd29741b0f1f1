package io.weathertweets.loadgen.verify;

import io.weathertweets.aggregates.TweetPath;
import java.util.Map;

/**
 * Where {@code --verify} reads the figures of each path: the stores themselves, or the ingress's
 * view of them.
 */
public interface FigureSource extends AutoCloseable {

  /**
   * Every path's reading now, in report order; a path whose store cannot be read gets {@link
   * Reading#failed}.
   */
  Map<TweetPath, Reading> read();

  /** Where a path's figures come from, for the report (no passwords). */
  String describe(TweetPath path);

  @Override
  void close();
}
