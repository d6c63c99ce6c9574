package io.synthgen.model.train;

/** Receives one {@link RoundReport} per averaging round, on the driver. */
@FunctionalInterface
public interface TrainingListener {
  void onRound(RoundReport report);
}
