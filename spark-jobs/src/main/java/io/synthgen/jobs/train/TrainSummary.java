package io.synthgen.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.model.privacy.PrivacyLedger;
import java.util.Locale;

/**
 * What a train job did.
 *
 * @param rows training rows (or images)
 * @param workers data-parallel workers
 * @param rounds averaging rounds run by this job (a resumed job counts only its own)
 * @param preprocessingSeconds reading, profiling and fitting the transformer
 * @param trainingSeconds the averaging rounds, checkpoints included
 * @param rowsPerSecond rows consumed by all workers per second of training
 * @param modelDir where the bundle was written
 * @param privacy the bundle's differential privacy record ({@link PrivacyLedger})
 */
public record TrainSummary(long rows, int workers, int rounds, double preprocessingSeconds,
    double trainingSeconds, double rowsPerSecond, String modelDir, JsonNode privacy) {

  /** A summary of a model trained without differential privacy. */
  public TrainSummary(long rows, int workers, int rounds, double preprocessingSeconds,
      double trainingSeconds, double rowsPerSecond, String modelDir) {
    this(rows, workers, rounds, preprocessingSeconds, trainingSeconds, rowsPerSecond, modelDir,
        PrivacyLedger.noneJson());
  }

  /** {@code epsilon E, delta D} as spent, or {@code none}. */
  public String privacyText() {
    double eps = PrivacyLedger.epsilonOf(privacy);
    return Double.isNaN(eps) ? "none" : String.format(Locale.ROOT, "epsilon %.3f, delta %.1e",
        eps, privacy.path("delta").asDouble());
  }
}
