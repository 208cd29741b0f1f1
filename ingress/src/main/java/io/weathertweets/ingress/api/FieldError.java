package io.weathertweets.ingress.api;

/**
 * One invalid field of a request, as listed in the problem body's {@code errors}.
 *
 * @param field the JSON field, e.g. {@code temperature}; in a batch prefixed by the index, e.g.
 *     {@code [3].humidity}; {@code $} for the body as a whole
 * @param message what is wrong with it
 */
record FieldError(String field, String message) {}
