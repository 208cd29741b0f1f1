package io.weathertweets.aggregates;

/**
 * The names of the meters that dashboards, alert rules and the benchmark read across services, and
 * their tags: {@code weather_tweets_rejected_total} of the ingress and both gateways, {@code
 * weather_tweets_processed_total{path="kafka"}} beside {@code {path="rabbit"}}, the tweets the
 * ingress accepted beside those each path counted. Each name is written here once; a meter nothing
 * compares across services is named where it is registered.
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

  /** Accepted at the ingress until visible in the store (newest tweet of each update). */
  public static final String E2E_LATENCY = "weather.e2e.latency";

  /** One write of a consumer to its store, including retries. */
  public static final String STORE_WRITE_LATENCY = "weather.store.write.latency";

  /** Tweets waiting for a consumer: Kafka lag or the queue's depth. */
  public static final String CONSUMER_LAG = "weather.consumer.lag";

  /** Seconds since a consumer last consumed something. */
  public static final String CONSUMER_IDLE = "weather.consumer.idle";
}
