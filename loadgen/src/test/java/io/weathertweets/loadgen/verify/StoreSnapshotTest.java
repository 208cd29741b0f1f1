package io.weathertweets.loadgen.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.Municipality;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreSnapshotTest {

  @Test
  void shouldPassWhenTotalsAndEveryMunicipalityGrewByWhatWasAccepted() {
    StoreSnapshot before = snapshot(10, 4, 3, 2, 1);
    StoreSnapshot after = snapshot(17, 8, 3, 4, 2);

    assertThat(StoreSnapshot.problems(before, after, 7, expected(4, 0, 2, 1))).isEmpty();
  }

  @Test
  void shouldNameWhatIsMissing() {
    StoreSnapshot before = snapshot(10, 4, 3, 2, 1);
    StoreSnapshot after = snapshot(15, 8, 3, 2, 2);

    assertThat(StoreSnapshot.problems(before, after, 7, expected(4, 0, 2, 1)))
        .containsExactly(
            "meta tweets_total grew by 5, expected 7",
            "sum of municipality counts grew by 5, expected 7",
            "amatitlan count grew by 0, expected 2");
  }

  @Test
  void shouldFailWhenTheTotalIsRightButTheTweetsLandedInTheWrongMunicipality() {
    StoreSnapshot before = snapshot(0, 0, 0, 0, 0);
    StoreSnapshot after = snapshot(2, 2, 0, 0, 0);

    assertThat(StoreSnapshot.problems(before, after, 2, expected(1, 1, 0, 0)))
        .containsExactly(
            "mixco count grew by 2, expected 1", "guatemala count grew by 0, expected 1");
    assertThat(StoreSnapshot.problems(before, after, 2, null)).as("totals only").isEmpty();
  }

  @Test
  void shouldFailWhenTheStoreGrewByMoreThanThisRunSent() {
    assertThat(StoreSnapshot.problems(snapshot(0, 0, 0, 0, 0), snapshot(3, 3, 0, 0, 0), 2, null))
        .hasSize(2);
  }

  private static StoreSnapshot snapshot(long total, long... counts) {
    return new StoreSnapshot(total, expected(counts));
  }

  private static Map<Municipality, Long> expected(long... counts) {
    Map<Municipality, Long> map = new EnumMap<>(Municipality.class);
    for (Municipality m : Municipality.values()) {
      map.put(m, counts[m.ordinal()]);
    }
    return map;
  }
}
