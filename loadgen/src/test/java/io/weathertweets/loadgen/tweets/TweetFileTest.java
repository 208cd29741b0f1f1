package io.weathertweets.loadgen.tweets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weathertweets.aggregates.Municipality;
import io.weathertweets.proto.v1.Tweet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TweetFileTest {

  @Test
  void shouldReadOneTweetPerLineKeepingInvalidOnesAsWritten(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("t.jsonl"),
            """
        # course body, no id
        {"municipality": "Mixco ", "temperature": 25, "humidity": 70, "weather": "SUNNY"}

        {"id": "t-2", "municipality": "atlantis", "temperature": 25, "humidity": 70, "weather": "sunny", "timestamp": 1000}
        """);

    TweetFile tweets = TweetFile.read(file, "run");

    assertThat(tweets.size()).isEqualTo(2);
    Tweet first = tweets.get(0).toV1(5, tweets.fallbackId(0));
    assertThat(first.getId()).isEqualTo("run-0");
    assertThat(first.getMunicipality()).isEqualTo(Municipality.MIXCO.toProto());
    Tweet second = tweets.get(1).toV1(5, tweets.fallbackId(1));
    assertThat(second.getId()).isEqualTo("t-2");
    assertThat(second.getEventTimeMs()).isEqualTo(1000);
    assertThat(second.getMunicipality())
        .isEqualTo(io.weathertweets.proto.v1.Municipality.MUNICIPALITY_UNSPECIFIED);
    assertThat(tweets.get(1).httpBody(5).get("municipality").stringValue()).isEqualTo("atlantis");
  }

  @Test
  void shouldNameTheLineThatIsNotJson(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(dir.resolve("bad.jsonl"), "{\"municipality\": \"mixco\"}\n{oops\n");

    assertThatThrownBy(() -> TweetFile.read(file, "run"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.jsonl:2");
  }
}
