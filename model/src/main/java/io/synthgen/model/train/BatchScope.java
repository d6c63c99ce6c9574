package io.synthgen.model.train;

import io.synthgen.model.InvalidInputException;
import java.util.Locale;

/**
 * What a model's {@code batch-size} counts in data-parallel training.
 *
 * <p>{@link #WORKER}: rows per local step on each worker. W workers then see W batches per
 * sequential step, so an epoch takes W times fewer sequential updates than on one worker
 * (quality at equal epochs falls as workers are added). {@link #GLOBAL}: rows per step across
 * all workers, each worker taking {@code batch-size / W}, so an epoch has the same number of
 * sequential (averaged) updates whatever the worker count, the fixed-global-batch rule of
 * synchronous data parallelism (as in Lin et al. 2020, "Don't use large mini-batches, use local
 * SGD", where local SGD keeps the global batch of the serial baseline).
 */
public enum BatchScope {
  WORKER, GLOBAL;

  /** The scope named {@code key} ({@code worker} or {@code global}). */
  public static BatchScope parse(String key) {
    return valueOf(key.toUpperCase(Locale.ROOT));
  }

  /**
   * Rows each worker takes per local step for a configured {@code batch} over {@code workers}:
   * the batch itself in {@link #WORKER} scope; in {@link #GLOBAL} scope its share rounded to the
   * nearest multiple of {@code multiple} (a family's granularity, e.g. PacGAN's pac).
   *
   * @throws InvalidInputException when a global batch leaves a worker less than one multiple
   */
  public int rowsPerWorker(int batch, int workers, int multiple) {
    if (workers < 1 || multiple < 1) {
      throw new IllegalArgumentException("workers " + workers + ", multiple " + multiple);
    }
    if (this == WORKER) {
      return batch;
    }
    long units = Math.round((double) batch / workers / multiple);
    if (units < 1) {
      throw new InvalidInputException("option 'batch-size' (" + batch + ") split over "
          + workers + " workers (batch-scope=global) leaves fewer than " + multiple
          + " rows per worker: raise batch-size to at least " + (long) workers * multiple
          + ", use fewer workers or batch-scope=worker");
    }
    return (int) (units * multiple);
  }
}
