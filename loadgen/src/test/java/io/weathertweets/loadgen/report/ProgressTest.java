package io.weathertweets.loadgen.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * When the progress bar is drawn; the bar itself is checked through the command line
 * (LoadGenHttpTest).
 */
class ProgressTest {

  @Test
  void shouldFollowTheTerminalUnlessForced() {
    assertThat(Progress.shouldShow(null, true)).as("default on a terminal").isTrue();
    assertThat(Progress.shouldShow(null, false)).as("default when redirected").isFalse();
    assertThat(Progress.shouldShow(true, false)).as("--progress into a file").isTrue();
    assertThat(Progress.shouldShow(true, true)).isTrue();
    assertThat(Progress.shouldShow(false, true)).as("--no-progress on a terminal").isFalse();
    assertThat(Progress.shouldShow(false, false)).isFalse();
  }

  @Test
  void shouldTellTerminalDevicesFromFilesAndPipes() {
    assertThat(Progress.isTerminalDevice("/dev/pts/3")).isTrue();
    assertThat(Progress.isTerminalDevice("/dev/tty1")).isTrue();
    assertThat(Progress.isTerminalDevice("/dev/ttyS0")).isTrue();
    assertThat(Progress.isTerminalDevice("/dev/console")).isTrue();
    assertThat(Progress.isTerminalDevice("pipe:[123456]")).isFalse();
    assertThat(Progress.isTerminalDevice("/home/me/loadgen.log")).isFalse();
    assertThat(Progress.isTerminalDevice("/dev/null")).isFalse();
    assertThat(Progress.isTerminalDevice("socket:[98765]")).isFalse();
  }
}
