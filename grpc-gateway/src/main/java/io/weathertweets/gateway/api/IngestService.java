package io.weathertweets.gateway.api;

import io.grpc.stub.StreamObserver;
import io.weathertweets.gateway.publish.TweetPublisher;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.PublishResponse;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.proto.v1.TweetIngestServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;

/** {@code weathertweets.v1.TweetIngestService}: batches with ids and event times, used by the ingress. */
@Service
class IngestService extends TweetIngestServiceGrpc.TweetIngestServiceImplBase {
  private final TweetValidator validator;
  private final TweetPublisher publisher;

  IngestService(TweetValidator validator, TweetPublisher publisher) {
    this.validator = validator;
    this.publisher = publisher;
  }

  @Override
  public void publish(PublishRequest request, StreamObserver<PublishResponse> responses) {
    List<Tweet> tweets = request.getTweetsList();
    validator.requireValid(tweets, "");
    Replies.when(publisher.publish(tweets), responses, () -> response(tweets.stream().map(Tweet::getId).toList()));
  }

  @Override
  public StreamObserver<PublishRequest> publishStream(StreamObserver<PublishResponse> responses) {
    return new PublishStream(responses);
  }

  private PublishResponse response(List<String> ids) {
    return PublishResponse.newBuilder().addAllIds(ids).setSink(publisher.sinkName()).build();
  }

  /**
   * Publishes each batch as it arrives and answers once the client half-closed and every tweet was
   * acknowledged. The first invalid batch or failed publish ends the call; later batches are ignored.
   * Synchronized because acks complete on the broker client's threads while gRPC delivers new batches.
   */
  private final class PublishStream implements StreamObserver<PublishRequest> {
    private final StreamObserver<PublishResponse> responses;
    private final List<String> ids = new ArrayList<>();
    private int batches;
    private int pending;
    private boolean halfClosed;
    private boolean done;

    PublishStream(StreamObserver<PublishResponse> responses) {
      this.responses = responses;
    }

    @Override
    public synchronized void onNext(PublishRequest request) {
      if (done) {
        return;
      }
      List<Tweet> tweets = request.getTweetsList();
      try {
        validator.requireValid(tweets, "batch " + batches + ": ");
      } catch (InvalidTweetException invalid) {
        fail(invalid);
        return;
      }
      batches++;
      tweets.forEach(tweet -> ids.add(tweet.getId()));
      pending++;
      publisher.publish(tweets).whenComplete((ok, failure) -> acked(failure));
    }

    private synchronized void acked(Throwable failure) {
      pending--;
      if (failure != null) {
        fail(failure);
      } else {
        finishIfComplete();
      }
    }

    @Override
    public synchronized void onError(Throwable cancelled) {
      // The client cancelled or its deadline passed: the call is over, there is no one to answer.
      done = true;
    }

    @Override
    public synchronized void onCompleted() {
      halfClosed = true;
      finishIfComplete();
    }

    private void finishIfComplete() {
      if (!done && halfClosed && pending == 0) {
        done = true;
        if (!Replies.isCancelled(responses)) {
          responses.onNext(response(ids));
          responses.onCompleted();
        }
      }
    }

    private void fail(Throwable failure) {
      if (!done) {
        done = true;
        if (!Replies.isCancelled(responses)) {
          responses.onError(GrpcErrors.unwrap(failure));
        }
      }
    }
  }
}
