package io.weathertweets.bridge.store;

/**
 * What one batch did to the store.
 *
 * @param processed new tweets counted in the all-time figures (late ones included)
 * @param duplicates tweets skipped because their id was seen within the dedup horizon
 * @param late new tweets whose window had already closed (all-time only)
 * @param closedWindows windows that became final and got their series entry
 * @param flags one character per tweet of the batch, in order: {@code n} new, {@code l} late,
 *     {@code d} duplicate
 */
public record ApplyResult(
    long processed, long duplicates, long late, long closedWindows, String flags) {

  public boolean isNew(int index) {
    char flag = flags.charAt(index);
    return flag == 'n' || flag == 'l';
  }
}
