package io.synthgen.jobs.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting on the event a test is about, never for a fixed time: the condition is polled (first
 * every few milliseconds, then less often) until it holds or the deadline passes, and a test
 * that gives up says what it waited for.
 */
public final class Await {
  private static final long FIRST_PAUSE_MS = 5;
  private static final long LONGEST_PAUSE_MS = 200;

  private Await() {}

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@code timeout}. */
  public static void until(Duration timeout, String what, BooleanSupplier condition)
      throws InterruptedException {
    value(timeout, () -> what, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
  }

  /**
   * Polls {@code probe} until it returns non-null and returns that; fails with {@code what}
   * (evaluated then, so it can describe the last state seen) after {@code timeout}.
   */
  public static <T> T value(Duration timeout, Supplier<String> what, Supplier<T> probe)
      throws InterruptedException {
    return value(timeout, LONGEST_PAUSE_MS, what, probe);
  }

  /** {@link #value(Duration, Supplier, Supplier)} polling at least every {@code pauseMs}. */
  public static <T> T value(Duration timeout, long pauseMs, Supplier<String> what,
      Supplier<T> probe) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = Math.min(FIRST_PAUSE_MS, pauseMs);
    while (true) {
      T v = probe.get();
      if (v != null) {
        return v;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what.get());
      }
      Thread.sleep(pause);
      pause = Math.min(pause * 2, pauseMs);
    }
  }
}
