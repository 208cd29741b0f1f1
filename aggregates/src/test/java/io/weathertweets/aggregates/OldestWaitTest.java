package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OldestWaitTest {
  private static final long T = 1_800_000_000_000L;

  @Test
  void shouldBeExactWhileABatchIsInHand() {
    OldestWait wait = new OldestWait();
    wait.taken(T - 4_000, 200, T);

    // Retried for 50 s while the store is down: the batch's oldest tweet has waited 54 s, whatever
    // the queue holds.
    assertThat(wait.ageMs(900, T + 50_000)).hasValue(54_000);
    assertThat(wait.ageMs(0, T + 50_000)).hasValue(54_000);
  }

  @Test
  void shouldBeZeroWithAnEmptyQueueAndNothingInHand() {
    OldestWait wait = new OldestWait();
    wait.taken(T - 4_000, 200, T);
    wait.done(T - 1_000);

    assertThat(wait.ageMs(0, T + 10_000)).hasValue(0);
  }

  @Test
  void shouldBoundTheQueuesHeadByTheNewestConsumedTweetOrTheLastEmptyQueue() {
    OldestWait wait = new OldestWait();
    wait.taken(T - 2_000, 200, T - 1_500);
    wait.done(T - 1_000);

    // The head was accepted after the newest consumed tweet.
    assertThat(wait.ageMs(40, T + 30_000)).hasValue(31_000);
    // Seen empty later: the head arrived after that.
    wait.observed(0, T + 20_000);
    assertThat(wait.ageMs(40, T + 30_000)).hasValue(10_000);
    wait.observed(40, T + 25_000);
    assertThat(wait.ageMs(40, T + 30_000)).hasValue(10_000);
  }

  @Test
  void shouldKeepTheOldestBatchOfSeveralListenerThreadsAndCountWhatTheyHold() throws Exception {
    OldestWait wait = new OldestWait();
    wait.taken(T - 9_000, 200, T);
    Thread other =
        Thread.ofPlatform()
            .start(
                () -> {
                  wait.taken(T - 1_000, 50, T);
                  wait.done(T - 500);
                  wait.taken(T - 400, 30, T);
                });
    other.join();

    // The other thread finishing a batch does not end this thread's, still stuck on the store.
    assertThat(wait.ageMs(0, T + 1_000)).hasValue(10_000);
    assertThat(wait.inHand()).isEqualTo(230);
    wait.done(T - 8_000);
    assertThat(wait.ageMs(0, T + 1_000)).hasValue(1_400);
    assertThat(wait.inHand()).isEqualTo(30);
  }

  @Test
  void shouldCountABatchWithoutAcceptanceTimesFromWhenItWasTaken() {
    OldestWait wait = new OldestWait();
    wait.taken(0, 10, T);

    assertThat(wait.ageMs(0, T + 7_000)).hasValue(7_000);
  }

  @Test
  void shouldNotGuessBeforeItHasSeenAnything() {
    OldestWait wait = new OldestWait();

    assertThat(wait.ageMs(40, T)).isEmpty();
    assertThat(wait.ageMs(-1, T)).isEmpty();
  }

  @Test
  void shouldNeverGoBackBehindANewerConsumedTweet() {
    OldestWait wait = new OldestWait();
    wait.done(T);
    wait.done(T - 5_000);

    assertThat(wait.ageMs(3, T + 1_000)).hasValue(1_000);
  }
}
