package io.synthgen.jobs.evaluate;

/**
 * What an evaluate job compares, and how.
 *
 * @param real real data the model was trained on (table, or digit images)
 * @param synthetic generated data
 * @param holdout real rows or images the model did not see, or null (utility, privacy baseline,
 *     and for images the FID reference)
 * @param seed seed of every sample the evaluation draws
 * @param dcrSample synthetic (and holdout) rows whose distance to the closest real record is
 *     computed; also the training and holdout rows of the membership-inference attack (each
 *     side at most this many)
 * @param dcrThreshold flag synthetic rows closer than this to a real row; null = the holdout
 *     rows' 1st-percentile distance
 * @param utilityIterations boosting iterations of the utility classifier
 * @param histogramBins bins of the numeric histograms on the HTML page
 * @param classifierDir digit-classifier bundle for image evaluation, or null
 * @param conditions the conditions the synthetic rows were generated under
 *     ({@link io.synthgen.tabular.condition.RowCondition}), empty: none; a table evaluation then
 *     compares them with the real (and holdout) rows that meet all of them
 * @param generation figures of the generate job that wrote the rows, reported as metrics (and so
 *     open to gates), e.g. {@code label_filter_give_up_share}; empty for a standalone evaluate
 */
public record EvaluateRequest(String real, String synthetic, String holdout, long seed,
    int dcrSample, Double dcrThreshold, int utilityIterations, int histogramBins,
    String classifierDir, java.util.List<String> conditions,
    java.util.Map<String, Double> generation) {
  public EvaluateRequest {
    generation = java.util.Map.copyOf(generation);
    conditions = conditions == null ? java.util.List.of() : java.util.List.copyOf(conditions);
  }

  /** The conditions joined by " and ", or null when there are none. */
  public String conditionText() {
    return conditions.isEmpty() ? null : String.join(" and ", conditions);
  }
}
