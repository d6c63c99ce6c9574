package io.synthgen.jobs.evaluate;

import io.synthgen.model.bundle.ModelBundle;
import org.apache.spark.sql.SparkSession;

/**
 * Scores synthetic against real data for a bundle of one model family. The runner resolves the
 * evaluator from the bundle's model name, so this package never needs to know the families.
 */
@FunctionalInterface
public interface BundleEvaluator {
  /** Evaluates the request's data for {@code bundle} into {@code report}. */
  void evaluate(SparkSession spark, ModelBundle bundle, EvaluateRequest request,
      EvaluationReport report) throws Exception;
}
