package io.synthgen.jobs;

import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.eval.QualityGate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options of an evaluation, shared by {@code evaluate} and {@code generate --report}. */
class EvaluationOptions {
  @Option(names = "--real", paramLabel = "PATH", description = "real data the model was "
      + "trained on: a table (CSV or Parquet), or digit images (IDX, PNG folder, Parquet)")
  String real;
  @Option(names = "--holdout", paramLabel = "PATH", description = "real data the model did "
      + "not see (tables: needed for utility and the privacy baseline; images: the FID "
      + "reference and memorization threshold). Default: none")
  String holdout;
  @Option(names = "--report", paramLabel = "DIR", description = "directory for report.json "
      + "and report.html")
  String report;
  @Option(names = "--gate", paramLabel = "METRIC>=VALUE", description = "fail (exit 3) "
      + "unless the report's metric passes, e.g. column_pair_trends>=0.85, exact_copies<=0; "
      + "repeatable; operators >= <= > < ==")
  List<String> gates = new ArrayList<>();
  @Option(names = "--classifier", paramLabel = "DIR", description = "image models: "
      + "digit-classifier bundle (train --model digit-classifier) giving features and "
      + "predictions")
  String classifier;
  @Option(names = "--dcr-sample", paramLabel = "N", description = "synthetic and holdout rows "
      + "whose distance to the closest real record is computed (default 2000)")
  int dcrSample = 2000;
  @Option(names = "--dcr-threshold", paramLabel = "D", description = "flag synthetic rows "
      + "closer than D to a real row (default: the holdout rows' 1st-percentile distance, or "
      + "0 = exact matches without a holdout)")
  Double dcrThreshold;
  @Option(names = "--utility-iterations", paramLabel = "N", description = "boosting "
      + "iterations of the utility classifier (default 50)")
  int utilityIterations = 50;
  @Option(names = "--histogram-bins", paramLabel = "N", description = "bins of the numeric "
      + "histograms in the report (default 20)")
  int histogramBins = 20;
  @Option(names = "--overwrite-report", description = "replace an existing report directory")
  boolean overwriteReport;

  /** The paths an evaluation reads, by option, with the model directory: what no output may touch. */
  Map<String, String> inputs(String modelDir) {
    Map<String, String> in = new LinkedHashMap<>();
    in.put("--model-dir", modelDir);
    in.put("--real", real);
    in.put("--holdout", holdout);
    in.put("--classifier", classifier);
    return in;
  }

  EvaluateRequest request(String synthetic, long seed, String condition) {
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
        utilityIterations, histogramBins, classifier, condition);
  }
}
