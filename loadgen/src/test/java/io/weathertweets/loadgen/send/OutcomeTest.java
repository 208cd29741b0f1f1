package io.weathertweets.loadgen.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.weathertweets.loadgen.send.Outcome.Kind;
import org.junit.jupiter.api.Test;

class OutcomeTest {

  @Test
  void shouldTellRequestErrorsFromSystemErrorsForHttp() {
    assertThat(Outcome.ofHttpStatus(202)).isEqualTo(Outcome.ACCEPTED);
    assertThat(Outcome.ofHttpStatus(400)).isEqualTo(new Outcome(Kind.REJECTED, "400"));
    assertThat(Outcome.ofHttpStatus(413).kind()).isEqualTo(Kind.REJECTED);
    assertThat(Outcome.ofHttpStatus(429).kind())
        .as("too many requests: retry later")
        .isEqualTo(Kind.FAILED);
    assertThat(Outcome.ofHttpStatus(503)).isEqualTo(new Outcome(Kind.FAILED, "503"));
  }

  @Test
  void shouldTellRequestErrorsFromSystemErrorsForGrpc() {
    assertThat(Outcome.ofGrpcStatus(Status.Code.OK)).isEqualTo(Outcome.ACCEPTED);
    assertThat(Outcome.ofGrpcStatus(Status.Code.INVALID_ARGUMENT))
        .isEqualTo(new Outcome(Kind.REJECTED, "INVALID_ARGUMENT"));
    assertThat(Outcome.ofGrpcStatus(Status.Code.UNAVAILABLE))
        .isEqualTo(new Outcome(Kind.FAILED, "UNAVAILABLE"));
    assertThat(Outcome.ofGrpcStatus(Status.Code.DEADLINE_EXCEEDED).kind()).isEqualTo(Kind.FAILED);
  }
}
