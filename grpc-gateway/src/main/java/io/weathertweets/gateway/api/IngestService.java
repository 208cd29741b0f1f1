package io.weathertweets.gateway.api;

import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import io.weathertweets.gateway.publish.TweetPublisher;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.PublishResponse;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.proto.v1.TweetIngestServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * {@code weathertweets.v1.TweetIngestService}: batches with ids and event times, used by the
 * ingress.
 */
@Service
class IngestService implements TweetIngestServiceGrpc.AsyncService, BindableService {
  private final TweetValidator validator;
  private final TweetPublisher publisher;
  private final MalformedRequests malformed;

  IngestService(TweetValidator validator, TweetPublisher publisher, MalformedRequests malformed) {
    this.validator = validator;
    this.publisher = publisher;
    this.malformed = malformed;
  }

  /** Unparsable requests become INVALID_ARGUMENT (see {@link MalformedRequests}). */
  @Override
  public ServerServiceDefinition bindService() {
    return malformed.parseInService(TweetIngestServiceGrpc.bindService(this));
  }

  @Override
  public void publish(PublishRequest request, StreamObserver<PublishResponse> responses) {
    List<Tweet> tweets = request.getTweetsList();
    validator.requireValid(tweets, "");
    Replies.when(
        publisher.publish(tweets),
        responses,
        () -> response(tweets.stream().map(Tweet::getId).toList()));
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
   * acknowledged. The first invalid batch or failed publish ends the call; later batches are
   * ignored.
   *
   * <p>gRPC delivers onNext/onCompleted/onError one at a time, but acks complete on the broker
   * client's threads, so the shared state is guarded. The lock is never held while calling the
   * broker or the response observer: a publish may need the broker client's I/O thread (RabbitMQ
   * opens channels through it), and that thread may be the one completing an ack and waiting for
   * the lock.
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
    public void onNext(PublishRequest request) {
      List<Tweet> tweets = request.getTweetsList();
      InvalidTweetException invalid = null;
      synchronized (this) {
        if (done) {
          return;
        }
        try {
          validator.requireValid(tweets, "batch " + batches + ": ");
          batches++;
          tweets.forEach(tweet -> ids.add(tweet.getId()));
          pending++;
        } catch (InvalidTweetException e) {
          done = true;
          invalid = e;
        }
      }
      if (invalid != null) {
        reply(null, invalid);
        return;
      }
      publisher.publish(tweets).whenComplete((ok, failure) -> acked(failure));
    }

    private void acked(Throwable failure) {
      PublishResponse answer = null;
      synchronized (this) {
        pending--;
        if (done) {
          return;
        }
        if (failure == null && !(halfClosed && pending == 0)) {
          return;
        }
        done = true;
        if (failure == null) {
          answer = response(ids);
        }
      }
      reply(answer, failure);
    }

    @Override
    public synchronized void onError(Throwable cancelled) {
      // The client cancelled or its deadline passed: the call is over, there is no one to answer.
      done = true;
    }

    @Override
    public void onCompleted() {
      PublishResponse answer;
      synchronized (this) {
        halfClosed = true;
        if (done || pending > 0) {
          return;
        }
        done = true;
        answer = response(ids);
      }
      reply(answer, null);
    }

    /** Called once per call (guarded by {@code done}), outside the lock. */
    private void reply(PublishResponse answer, Throwable failure) {
      if (Replies.isCancelled(responses)) {
        return;
      }
      if (failure != null) {
        responses.onError(GrpcErrors.unwrap(failure));
      } else {
        responses.onNext(answer);
        responses.onCompleted();
      }
    }
  }
}
