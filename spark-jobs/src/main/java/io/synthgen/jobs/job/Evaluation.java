package io.synthgen.jobs.job;

import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.eval.QualityGate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of an evaluation, shared by {@link EvaluateJob} and {@link GenerateJob} (its
 * optional report), with the flag each comes from: what is evaluated against what, where the
 * report goes, its gates and its sample sizes.
 *
 * @param real real data the model was trained on (required to evaluate)
 * @param holdout real data the model did not see, or null
 * @param report directory of report.json and report.html; null: no evaluation
 * @param gates quality gates (METRIC>=VALUE ...), checked before anything is generated
 * @param classifier image models: the digit-classifier bundle directory, or null
 * @param dcrSample rows whose distance to the closest record is computed
 * @param dcrThreshold distance under which a synthetic row is flagged; null: from the holdout
 * @param utilityIterations boosting iterations of the utility classifier
 * @param histogramBins bins of the report's numeric histograms
 * @param overwriteReport replace an existing report directory
 */
public record Evaluation(String real, String holdout, String report, List<String> gates,
    String classifier, int dcrSample, Double dcrThreshold, int utilityIterations,
    int histogramBins, boolean overwriteReport) {
  public static final int DEFAULT_DCR_SAMPLE = 2000;
  public static final int DEFAULT_UTILITY_ITERATIONS = 50;
  public static final int DEFAULT_HISTOGRAM_BINS = 20;

  public Evaluation {
    gates = List.copyOf(gates);
  }

  /** No evaluation: no report, no real data. */
  public static Evaluation none() {
    return of(null, null, null, List.of());
  }

  /** An evaluation with the default sample sizes, no classifier, not overwriting. */
  public static Evaluation of(String real, String holdout, String report, List<String> gates) {
    return new Evaluation(real, holdout, report, gates, null, DEFAULT_DCR_SAMPLE, null,
        DEFAULT_UTILITY_ITERATIONS, DEFAULT_HISTOGRAM_BINS, false);
  }

  /** The paths an evaluation reads, by option, with the model directory: what no output may touch. */
  public Map<String, String> inputs(String modelDir) {
    Map<String, String> in = new LinkedHashMap<>();
    in.put("--model-dir", modelDir);
    in.put("--real", real);
    in.put("--holdout", holdout);
    in.put("--classifier", classifier);
    return in;
  }

  /** The checked request of evaluating {@code synthetic}; bad options are refused by flag. */
  public EvaluateRequest request(String synthetic, long seed, java.util.List<String> conditions) {
    return request(synthetic, seed, conditions, java.util.Map.of());
  }

  /**
   * The checked request of evaluating {@code synthetic} as written by a generate job whose
   * figures {@code generation} the report adds to its metrics.
   */
  public EvaluateRequest request(String synthetic, long seed, java.util.List<String> conditions,
      java.util.Map<String, Double> generation) {
    if (real == null) {
      throw new InvalidInputException("option '--real' is missing: give the real data the "
          + "model was trained on");
    }
    if (dcrSample < 1) {
      throw new InvalidInputException("option '--dcr-sample' has value " + dcrSample
          + ": give a positive number of rows");
    }
    if (dcrThreshold != null && !(dcrThreshold >= 0)) {
      throw new InvalidInputException("option '--dcr-threshold' has value " + dcrThreshold
          + ": give a distance >= 0");
    }
    if (utilityIterations < 1) {
      throw new InvalidInputException("option '--utility-iterations' has value "
          + utilityIterations + ": give at least 1");
    }
    if (histogramBins < 2 || histogramBins > 200) {
      throw new InvalidInputException("option '--histogram-bins' has value " + histogramBins
          + ": give 2 to 200");
    }
    for (String g : gates) {
      QualityGate.parse(g, "--gate"); // a malformed gate fails before anything is generated
    }
    return new EvaluateRequest(real, synthetic, holdout, seed, dcrSample, dcrThreshold,
        utilityIterations, histogramBins, classifier, conditions, generation);
  }
}
