package io.weathertweets.aggregates;

/**
 * The names of the meters more than one service registers, and their tags. Dashboards, alert rules
 * and the benchmark read them under one name across services ({@code weather_tweets_rejected_total}
 * of the ingress and both gateways; {@code weather_tweets_processed_total{path="kafka"}} beside
 * {@code {path="rabbit"}}), so each name is written here once. A meter only one service has is
 * named where it is registered.
 */
public final class Meters {
  private Meters() {}

  /** Tag: the path a figure belongs to, {@link TweetPath#id()}. */
  public static final String PATH = "path";

  /** Tag: why tweets were refused. */
  public static final String REASON = "reason";

  /** Tweets the ingress answered 202 for, per path that acknowledged them. */
  public static final String TWEETS_ACCEPTED = "weather.tweets.accepted";

  /** Tweets refused (ingress and gateways), per {@link #REASON}. */
  public static final String TWEETS_REJECTED = "weather.tweets.rejected";

  /** Tweets a consumer counted in its store for the first time. */
  public static final String TWEETS_PROCESSED = "weather.tweets.processed";

  /** Tweets too late for their window (counted in the all-time figures only). */
  public static final String TWEETS_LATE = "weather.tweets.late";

  /** Records or messages a consumer put aside as undecodable or invalid. */
  public static final String TWEETS_DLQ = "weather.tweets.dlq";

  /** Redelivered or repeated tweets a consumer skipped. */
  public static final String TWEETS_DUPLICATES = "weather.tweets.duplicates";

  /** Tweets waiting for a consumer: Kafka lag or the queue's depth. */
  public static final String CONSUMER_LAG = "weather.consumer.lag";

  /** Seconds since a consumer last consumed something. */
  public static final String CONSUMER_IDLE = "weather.consumer.idle";
}
