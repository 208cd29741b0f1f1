package io.weathertweets.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weathertweets.bridge.store.StoreDurability.Decision;
import io.weathertweets.bridge.store.StoreDurability.Facts;
import io.weathertweets.bridge.store.StoreDurability.Mode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decision table and the check of WAITAOF's answer, without a server (the servers:
 * DurableBatchTest).
 */
class StoreDurabilityTest {
  private static final String WHERE = "redis://valkey:6379";
  private static final Facts AOF_ALWAYS = new Facts(true, "always", "CONFIG GET", null, 1L, 0L);
  private static final Facts AOF_OFF = new Facts(false, "everysec", "CONFIG GET", null, null, null);
  private static final Facts FSYNC_NO = new Facts(true, "no", "CONFIG GET", null, null, null);

  /**
   * What the k8s writer user sees: CONFIG and INFO forbidden, WAITAOF refused because the AOF is
   * off.
   */
  private static final Facts AOF_OFF_SEEN_BY_WAITAOF =
      new Facts(
          false,
          null,
          "WAITAOF",
          "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.",
          null,
          null);

  private static final Facts ONLY_WAITAOF_ACCEPTED = new Facts(null, null, null, null, 1L, 0L);
  private static final Facts WAITAOF_FORBIDDEN =
      new Facts(
          null,
          null,
          null,
          "NOPERM User weather-writer has no permissions to run the 'waitaof' command",
          null,
          null);
  private static final Facts OLD_SERVER =
      new Facts(
          true,
          "everysec",
          "CONFIG GET",
          "ERR unknown command 'WAITAOF', with args beginning with: '1' '0' '5000'",
          null,
          null);

  @Test
  void autoShouldWaitForTheLocalAofWhenTheServerHasOne() {
    Decision decision = StoreDurability.decide(Mode.AUTO, 0, AOF_ALWAYS, WHERE);

    assertThat(decision.mode()).isEqualTo(Mode.LOCAL_AOF);
    assertThat(decision.warn()).isFalse();
    assertThat(decision.message())
        .contains(
            "WAITAOF",
            "durability=auto (WEATHER_STORE_DURABILITY) → local-aof",
            "appendfsync always");
  }

  @Test
  void autoShouldAcknowledgeInMemoryWithAWarningNamingTheSettingWhenTheServerCannotConfirm() {
    for (Facts facts :
        List.of(AOF_OFF, FSYNC_NO, AOF_OFF_SEEN_BY_WAITAOF, WAITAOF_FORBIDDEN, OLD_SERVER)) {
      Decision decision = StoreDurability.decide(Mode.AUTO, 0, facts, WHERE);

      assertThat(decision.mode()).as(facts.toString()).isEqualTo(Mode.NONE);
      assertThat(decision.warn()).as(facts.toString()).isTrue();
      assertThat(decision.message())
          .as(facts.toString())
          .contains("WEATHER_STORE_DURABILITY", "in memory", "lose acknowledged tweets", WHERE);
    }
    assertThat(StoreDurability.decide(Mode.AUTO, 0, AOF_OFF, WHERE).message())
        .contains("appendonly no", "appendonly yes");
    assertThat(StoreDurability.decide(Mode.AUTO, 0, FSYNC_NO, WHERE).message())
        .contains("appendfsync no");
    assertThat(StoreDurability.decide(Mode.AUTO, 0, WAITAOF_FORBIDDEN, WHERE).message())
        .contains("+waitaof");
    assertThat(StoreDurability.decide(Mode.AUTO, 0, OLD_SERVER, WHERE).message()).contains("7.2");
  }

  @Test
  void anExplicitModeShouldBeRefusedWithTheRemedyWhenTheServerCannotGiveIt() {
    for (Mode mode : List.of(Mode.LOCAL_AOF, Mode.REPLICAS)) {
      for (Facts facts :
          List.of(AOF_OFF, FSYNC_NO, AOF_OFF_SEEN_BY_WAITAOF, WAITAOF_FORBIDDEN, OLD_SERVER)) {
        assertThatThrownBy(() -> StoreDurability.decide(mode, 1, facts, WHERE))
            .as(mode + " " + facts)
            .isInstanceOf(StoreDurability.UnavailableException.class)
            .hasMessageContaining("weather.store.durability")
            .hasMessageContaining(mode.setting())
            .hasMessageContaining("no batch could ever be acknowledged");
      }
    }
    assertThatThrownBy(
            () -> StoreDurability.decide(Mode.LOCAL_AOF, 0, AOF_OFF_SEEN_BY_WAITAOF, WHERE))
        .hasMessageContaining("appendonly no, from WAITAOF")
        .hasMessageContaining("CONFIG SET appendonly yes");
  }

  @Test
  void aServerThatOnlyAcceptsWaitaofShouldBeEnough() {
    Decision decision = StoreDurability.decide(Mode.LOCAL_AOF, 0, ONLY_WAITAOF_ACCEPTED, WHERE);

    assertThat(decision.mode()).isEqualTo(Mode.LOCAL_AOF);
    assertThat(decision.message()).contains("not readable, WAITAOF accepted");
  }

  @Test
  void autoShouldNotHoldBatchesForAnEverysecFsyncButAnExplicitModeMay() {
    Facts everysec = new Facts(true, "everysec", "CONFIG GET", null, 1L, 0L);

    Decision auto = StoreDurability.decide(Mode.AUTO, 0, everysec, WHERE);
    Decision explicit = StoreDurability.decide(Mode.LOCAL_AOF, 0, everysec, WHERE);

    assertThat(auto.mode()).isEqualTo(Mode.NONE);
    assertThat(auto.warn()).isTrue();
    assertThat(auto.message())
        .contains(
            "appendfsync everysec",
            "Set appendfsync always",
            "WEATHER_STORE_DURABILITY",
            "redis/redis#13793");
    assertThat(explicit.mode()).isEqualTo(Mode.LOCAL_AOF);
    assertThat(explicit.warn()).isTrue();
    assertThat(explicit.message()).contains("waits for Valkey's next fsync");
  }

  @Test
  void shouldWarnWhenTheProbeWasNotConfirmedOrTooFewReplicasFollow() {
    Decision probeNotConfirmed =
        StoreDurability.decide(Mode.LOCAL_AOF, 0, new Facts(null, null, null, null, 0L, 0L), WHERE);
    Decision tooFewReplicas =
        StoreDurability.decide(
            Mode.REPLICAS, 2, new Facts(true, "always", "CONFIG GET", null, 1L, 1L), WHERE);

    assertThat(probeNotConfirmed.mode()).isEqualTo(Mode.LOCAL_AOF);
    assertThat(probeNotConfirmed.warn()).isTrue();
    assertThat(probeNotConfirmed.message()).contains("appendfsync no");
    assertThat(tooFewReplicas.mode()).isEqualTo(Mode.REPLICAS);
    assertThat(tooFewReplicas.warn()).isTrue();
    assertThat(tooFewReplicas.message()).contains("only 1 of 2 replica(s)");
  }

  @Test
  void noneShouldNeedNoServer() {
    assertThat(StoreDurability.decide(Mode.NONE, 0, AOF_OFF, WHERE).mode()).isEqualTo(Mode.NONE);
    StoreDurability none = StoreDurability.none();
    assertThat(
            none.mode(
                replicas -> {
                  throw new AssertionError("none must not ask the server");
                }))
        .isEqualTo(Mode.NONE);
  }

  @Test
  void aShortWaitaofAnswerShouldFailTheBatchAndBeCounted() {
    MeterRegistry meters = new SimpleMeterRegistry();
    StoreDurability local =
        new StoreDurability(null, Mode.LOCAL_AOF, 0, Duration.ofMillis(300), WHERE, meters);
    StoreDurability replicas =
        new StoreDurability(
            null,
            Mode.REPLICAS,
            1,
            StoreDurability.REPLICAS_MIN_TIMEOUT,
            WHERE,
            new SimpleMeterRegistry());

    local.confirm(Mode.LOCAL_AOF, List.of(1, 0), 10);
    replicas.confirm(Mode.REPLICAS, List.of(1L, 1L), 10);
    assertThatThrownBy(() -> local.confirm(Mode.LOCAL_AOF, List.of(0, 0), 10))
        .isInstanceOf(StoreDurability.NotConfirmedException.class)
        .hasMessageContaining("did not confirm Valkey's own AOF fsync within 300 ms")
        .hasMessageContaining("not acknowledging");
    assertThatThrownBy(() -> replicas.confirm(Mode.REPLICAS, List.of(1, 0), 10))
        .isInstanceOf(StoreDurability.NotConfirmedException.class)
        .hasMessageContaining("the AOF of 1 replica(s) (0 confirmed)");

    assertThat(
            meters
                .get("weather.store.durability.failures")
                .tag("reason", "not-confirmed")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void shouldRefuseSettingsThatCannotWork() {
    assertThatThrownBy(
            () ->
                new StoreDurability(
                    null,
                    Mode.REPLICAS,
                    0,
                    StoreDurability.REPLICAS_MIN_TIMEOUT,
                    WHERE,
                    new SimpleMeterRegistry()))
        .hasMessageContaining("WEATHER_STORE_DURABILITY_REPLICAS");
    assertThatThrownBy(
            () ->
                new StoreDurability(
                    null,
                    Mode.REPLICAS,
                    1,
                    Duration.ofMillis(1999),
                    WHERE,
                    new SimpleMeterRegistry()))
        .hasMessageContaining("WEATHER_STORE_DURABILITY_TIMEOUT")
        .hasMessageContaining("at least 2s, was 1999 ms")
        .hasMessageContaining("once a second");
    assertThatThrownBy(
            () ->
                new StoreDurability(
                    null, Mode.LOCAL_AOF, 0, Duration.ZERO, WHERE, new SimpleMeterRegistry()))
        .hasMessageContaining("WEATHER_STORE_DURABILITY_TIMEOUT")
        .hasMessageContaining("must be positive, was 0 ms");
  }
}
