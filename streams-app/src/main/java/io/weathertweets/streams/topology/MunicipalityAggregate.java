package io.weathertweets.streams.topology;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;

/** One municipality's all-time aggregate on its way into the single-key overview. */
record MunicipalityAggregate(Municipality municipality, Aggregate aggregate) {}
