package io.synthgen.model.train;

import java.io.Serializable;

/**
 * One worker's share of a data-parallel round: starting from the broadcast state, run
 * {@code steps} local optimizer steps on this worker's partition and return the resulting state.
 * Implementations are serializable, hold only configuration, and draw all randomness from
 * {@code seed}.
 *
 * @param <P> the worker's partition of the training data
 */
public interface LocalTrainer<P> extends Serializable {
  /** Names of the metrics reported per step, in the order of {@link TrainingState#metricSums()}. */
  String[] metricNames();

  /**
   * Names of the tensors that are network parameters (one per network), which the driver's
   * {@link OuterOptimizer} steps; every other tensor is averaged.
   */
  java.util.Set<String> parameterTensors();

  TrainingState train(TrainingState start, P partition, int steps, long seed);
}
