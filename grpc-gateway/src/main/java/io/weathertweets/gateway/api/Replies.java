package io.weathertweets.gateway.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Answers a unary call when its publish settles, without blocking a gRPC thread on broker acks. */
final class Replies {
  private Replies() {}

  static <T> void when(
      CompletableFuture<?> published, StreamObserver<T> responses, Supplier<T> answer) {
    published.whenComplete(
        (ok, failure) -> {
          if (isCancelled(responses)) {
            return; // deadline passed or client gone: nobody to answer
          }
          if (failure != null) {
            responses.onError(GrpcErrors.unwrap(failure)); // mapped to a status by GrpcErrors
          } else {
            responses.onNext(answer.get());
            responses.onCompleted();
          }
        });
  }

  static boolean isCancelled(StreamObserver<?> responses) {
    return responses instanceof ServerCallStreamObserver<?> call && call.isCancelled();
  }
}
