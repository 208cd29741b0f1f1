package io.weathertweets.streams.topology;

import java.util.Map;

/**
 * Value of the compacted topic weather-aggregates. {@code windowStartMs}/{@code windowEndMs} are
 * null for the all-time aggregate; {@code fields} are exactly the hash fields of the store layout.
 */
public record AggregateRecord(
    String municipality,
    Long windowStartMs,
    Long windowEndMs,
    long lastEventMs,
    Map<String, String> fields) {}
