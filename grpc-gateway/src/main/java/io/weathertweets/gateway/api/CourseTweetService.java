package io.weathertweets.gateway.api;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import io.weathertweets.gateway.publish.TweetPublisher;
import io.weathertweets.proto.course.WeatherTweetRequest;
import io.weathertweets.proto.course.WeatherTweetResponse;
import io.weathertweets.proto.course.WeatherTweetServiceGrpc;
import io.weathertweets.proto.v1.Tweet;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * The course's {@code weathertweet.WeatherTweetService}, unchanged on the wire. Course requests
 * carry no id and no time: the gateway assigns a UUIDv7 and takes event time = accepted time = now.
 */
@Service
class CourseTweetService implements WeatherTweetServiceGrpc.AsyncService, BindableService {
  private final TimeBasedEpochGenerator ids = Generators.timeBasedEpochGenerator();
  private final TweetValidator validator;
  private final TweetPublisher publisher;
  private final MalformedRequests malformed;
  private final Clock clock;

  CourseTweetService(
      TweetValidator validator, TweetPublisher publisher, MalformedRequests malformed) {
    this.validator = validator;
    this.publisher = publisher;
    this.malformed = malformed;
    this.clock = Clock.systemUTC();
  }

  /** Unparsable requests become INVALID_ARGUMENT (see {@link MalformedRequests}). */
  @Override
  public ServerServiceDefinition bindService() {
    return malformed.parseInService(WeatherTweetServiceGrpc.bindService(this));
  }

  @Override
  public void sendTweet(
      WeatherTweetRequest request, StreamObserver<WeatherTweetResponse> responses) {
    Tweet tweet = toV1(request, ids.generate().toString(), clock.millis());
    validator.requireValid(tweet);
    Replies.when(
        publisher.publish(List.of(tweet)),
        responses,
        () -> WeatherTweetResponse.newBuilder().setStatus("accepted " + tweet.getId()).build());
  }

  /**
   * The course enums share their numbers with v1 (mixco = MIXCO = 1 ... and 0 = unknown), so values
   * map by number; an unknown value stays unknown and TweetRules names the field.
   */
  static Tweet toV1(WeatherTweetRequest request, String id, long now) {
    return Tweet.newBuilder()
        .setId(id)
        .setMunicipalityValue(request.getMunicipalityValue())
        .setTemperature(request.getTemperature())
        .setHumidity(request.getHumidity())
        .setConditionValue(request.getWeatherValue())
        .setEventTimeMs(now)
        .setAcceptedAtMs(now)
        .build();
  }
}
