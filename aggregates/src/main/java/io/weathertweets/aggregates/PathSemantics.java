package io.weathertweets.aggregates;

import jakarta.validation.Valid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What the two paths must agree on, or their figures differ for good: the window, the dedup horizon
 * and how far ahead of its acceptance a tweet's event time may lie. Both consumers (streams-app and
 * rabbit-bridge) bind it from the same keys and the same environment variables:
 *
 * <pre>
 * weather.window.size      WEATHER_WINDOW_SIZE       1m
 * weather.window.grace     WEATHER_WINDOW_GRACE      10s
 * weather.dedup.horizon    WEATHER_DEDUP_HORIZON     1h
 * weather.time.max-ahead   WEATHER_TIME_MAX_AHEAD    5m
 * </pre>
 *
 * The defaults are decided here. {@link WindowSpec#DEFAULT} and {@link EventTimeRule#DEFAULT}, for
 * code that does not bind these settings (tests, tools), are checked against them.
 *
 * @param window tumbling event-time windows ({@link WindowSpec})
 * @param dedup how long a tweet id is remembered
 * @param time which event times are accepted ({@link EventTimeRule})
 */
@ConfigurationProperties("weather")
@Validated
public record PathSemantics(
    @DefaultValue @Valid Window window,
    @DefaultValue @Valid Dedup dedup,
    @DefaultValue @Valid Time time) {

  /**
   * @param size length of each window
   * @param grace how long after its end a window still takes late tweets
   */
  public record Window(
      @DefaultValue("1m") @DurationMin(millis = 1) Duration size,
      @DefaultValue("10s") @DurationMin(millis = 0) Duration grace) {
    public WindowSpec spec() {
      return new WindowSpec(size, grace);
    }
  }

  /**
   * @param horizon a (municipality, id) seen again within this much acceptance time is the same
   *     tweet; later it counts again
   */
  public record Dedup(@DefaultValue("1h") @DurationMin(millis = 1) Duration horizon) {}

  /**
   * @param maxAhead how far an event time may lie ahead of the time the tweet was accepted
   */
  public record Time(@DefaultValue("5m") @DurationMin(millis = 0) Duration maxAhead) {
    public EventTimeRule rule() {
      return new EventTimeRule(maxAhead);
    }
  }

  /** The same semantics from their parts, for code that does not bind them (tests, tools). */
  public static PathSemantics of(WindowSpec window, Duration dedupHorizon, EventTimeRule time) {
    return new PathSemantics(
        new Window(window.size(), window.grace()),
        new Dedup(dedupHorizon),
        new Time(time.maxAhead()));
  }

  public WindowSpec windowSpec() {
    return window.spec();
  }

  public Duration dedupHorizon() {
    return dedup.horizon();
  }

  public EventTimeRule timeRule() {
    return time.rule();
  }

  /**
   * Where {@code other} differs from these semantics, one entry per setting, for a person: {@code
   * window size 60 s vs 120 s} (this value first). Empty when they agree.
   */
  public List<String> differences(PathSemantics other) {
    List<String> differences = new ArrayList<>(4);
    differ("window size", window.size(), other.window.size(), differences);
    differ("window grace", window.grace(), other.window.grace(), differences);
    differ("dedup horizon", dedup.horizon(), other.dedup.horizon(), differences);
    differ("max-ahead", time.maxAhead(), other.time.maxAhead(), differences);
    return differences;
  }

  private static void differ(String what, Duration a, Duration b, List<String> into) {
    if (!a.equals(b)) {
      into.add(what + " " + words(a) + " vs " + words(b));
    }
  }

  /** {@code 60 s}, or {@code 1500 ms} when not whole seconds. */
  private static String words(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
