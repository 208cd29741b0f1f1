package io.weathertweets.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.proto.course.Municipalities;
import io.weathertweets.proto.course.WeatherTweetRequest;
import io.weathertweets.proto.course.Weathers;
import io.weathertweets.proto.v1.Condition;
import io.weathertweets.proto.v1.Municipality;
import io.weathertweets.proto.v1.Tweet;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The course enums are mapped to v1 by number; this pins that every known value lands on its
 * namesake.
 */
class CourseMappingTests {

  @Test
  void shouldMapEveryCourseMunicipalityToTheV1MunicipalityOfTheSameName() {
    Arrays.stream(Municipalities.values())
        .filter(m -> m != Municipalities.UNRECOGNIZED && m != Municipalities.municipalities_unknown)
        .forEach(
            m ->
                assertThat(
                        toV1(WeatherTweetRequest.newBuilder().setMunicipality(m)).getMunicipality())
                    .isEqualTo(Municipality.valueOf(m.name().toUpperCase(Locale.ROOT))));
  }

  @Test
  void shouldMapEveryCourseWeatherToTheV1ConditionOfTheSameName() {
    Arrays.stream(Weathers.values())
        .filter(w -> w != Weathers.UNRECOGNIZED && w != Weathers.weathers_unknown)
        .forEach(
            w ->
                assertThat(toV1(WeatherTweetRequest.newBuilder().setWeather(w)).getCondition())
                    .isEqualTo(Condition.valueOf(w.name().toUpperCase(Locale.ROOT))));
  }

  @Test
  void shouldKeepUnknownValuesUnknownSoValidationRejectsThem() {
    Tweet tweet =
        toV1(
            WeatherTweetRequest.newBuilder()
                .setMunicipalityValue(9)
                .setWeather(Weathers.weathers_unknown));
    assertThat(tweet.getMunicipality()).isEqualTo(Municipality.UNRECOGNIZED);
    assertThat(tweet.getCondition()).isEqualTo(Condition.CONDITION_UNSPECIFIED);
  }

  @Test
  void shouldUseTheAcceptTimeAsEventTime() {
    Tweet tweet = toV1(WeatherTweetRequest.newBuilder().setTemperature(-3).setHumidity(88));
    assertThat(tweet.getEventTimeMs())
        .isEqualTo(1_700_000_000_123L)
        .isEqualTo(tweet.getAcceptedAtMs());
    assertThat(tweet.getTemperature()).isEqualTo(-3);
    assertThat(tweet.getHumidity()).isEqualTo(88);
    assertThat(tweet.getId()).isEqualTo("id-1");
  }

  private static Tweet toV1(WeatherTweetRequest.Builder request) {
    return CourseTweetService.toV1(request.build(), "id-1", 1_700_000_000_123L);
  }
}
