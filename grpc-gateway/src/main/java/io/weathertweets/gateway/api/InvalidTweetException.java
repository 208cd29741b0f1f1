package io.weathertweets.gateway.api;

/**
 * A request that breaks the tweet rules; becomes INVALID_ARGUMENT. Nothing of the request was
 * published.
 */
class InvalidTweetException extends RuntimeException {

  InvalidTweetException(String message) {
    super(message);
  }
}
