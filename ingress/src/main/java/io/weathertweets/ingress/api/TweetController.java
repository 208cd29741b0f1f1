package io.weathertweets.ingress.api;

import io.weathertweets.aggregates.PathSemantics;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.ingress.IngressProperties;
import io.weathertweets.ingress.forward.Coalescer;
import io.weathertweets.ingress.forward.ForwardResult;
import io.weathertweets.proto.v1.Tweet;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/tweet} and {@code POST /api/tweets}: validate, forward to every targeted
 * gateway, and answer 202 only once each of them acknowledged. Every refusal is a {@link
 * ProblemException}.
 *
 * <p>The 202 names its content type itself, so no content negotiation runs after the forward: an
 * {@code Accept} the JSON writer cannot honour (say {@code application/json;charset=ISO-8859-1})
 * would otherwise turn an accepted tweet into a 406, and the client's resend into a second tweet.
 * An {@code Accept} that rules JSON out is refused by the mapping's {@code produces}, before
 * anything is forwarded.
 */
@RestController
@RequestMapping(
    path = "/api",
    consumes = MediaType.APPLICATION_JSON_VALUE,
    produces = MediaType.APPLICATION_JSON_VALUE)
class TweetController {
  private final JsonBodyReader bodyReader;
  private final TweetParser parser;
  private final Coalescer coalescer;
  private final IngressProperties properties;
  private final IngressMetrics metrics;
  private final Clock clock;

  TweetController(
      JsonBodyReader bodyReader,
      Coalescer coalescer,
      IngressProperties properties,
      IngressMetrics metrics,
      Clock clock,
      PathSemantics semantics) {
    this.parser = new TweetParser(semantics.timeRule());
    this.bodyReader = bodyReader;
    this.coalescer = coalescer;
    this.properties = properties;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * 202 answer to one tweet: its id (assigned or the client's) and the paths that acknowledged it.
   */
  record TweetAccepted(String id, List<String> paths) {}

  /** 202 answer to a batch: the ids in request order. */
  record TweetsAccepted(List<String> ids, int count, List<String> paths) {}

  @PostMapping("/tweet")
  ResponseEntity<TweetAccepted> tweet(HttpServletRequest request) {
    long receivedAt = clock.millis();
    JsonNode body = bodyReader.read(request, properties.maxBodySingle());
    TweetParser.Result result = parser.parse(body, "", receivedAt);
    if (!result.valid()) {
      throw Problems.invalid(result.errors(), 1);
    }
    List<Tweet> tweets = List.of(result.tweet());
    List<String> paths = forward(tweets);
    return ResponseEntity.accepted()
        .contentType(MediaType.APPLICATION_JSON)
        .body(new TweetAccepted(result.tweet().getId(), paths));
  }

  @PostMapping("/tweets")
  ResponseEntity<TweetsAccepted> tweets(HttpServletRequest request) {
    long receivedAt = clock.millis();
    JsonNode body = bodyReader.read(request, properties.maxBodyBatch());
    if (!body.isArray()) {
      throw Problems.invalid(
          List.of(
              new FieldError(
                  "$", "must be a JSON array of tweets, got " + TweetParser.describe(body))),
          1);
    }
    int size = body.size();
    if (size == 0) {
      throw Problems.invalid(
          List.of(
              new FieldError("$", "must hold 1.." + properties.maxBatch() + " tweets, got none")),
          1);
    }
    if (size > properties.maxBatch()) {
      throw Problems.tooLarge(
          "A batch holds at most " + properties.maxBatch() + " tweets, got " + size, size);
    }
    List<Tweet> tweets = new ArrayList<>(size);
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      TweetParser.Result result = parser.parse(body.get(i), "[" + i + "].", receivedAt);
      if (result.valid()) {
        tweets.add(result.tweet());
      } else {
        errors.addAll(result.errors());
      }
    }
    if (!errors.isEmpty()) {
      // Nothing of an invalid batch is forwarded: the client fixes it and resends it whole.
      throw Problems.invalid(errors, size);
    }
    List<String> paths = forward(tweets);
    return ResponseEntity.accepted()
        .contentType(MediaType.APPLICATION_JSON)
        .body(new TweetsAccepted(tweets.stream().map(Tweet::getId).toList(), size, paths));
  }

  private List<String> forward(List<Tweet> tweets) {
    ForwardResult result = coalescer.forward(tweets);
    if (result.anyRejectedAsInvalid()) {
      throw Problems.rejectedByGateway(result, tweets);
    }
    if (!result.allAcknowledged()) {
      throw Problems.unavailable(result, tweets, properties.retryAfter());
    }
    metrics.accepted(result.acknowledged(), tweets.size());
    return result.acknowledged().stream().map(TweetPath::id).toList();
  }
}
