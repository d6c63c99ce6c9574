/**
 * Math of the evaluation job, independent of Spark: mergeable accumulators (Kolmogorov-Smirnov
 * partials over sorted values, pairwise co-moments), distribution distances and quality gates,
 * and the privacy attacks' figures: record distances ({@link io.synthgen.model.eval.RecordDistance}),
 * ROC AUC ({@link io.synthgen.model.eval.RocAuc}), baselines ({@link
 * io.synthgen.model.eval.PrivacyBaselines}) and the numbers a bundle holds ({@link
 * io.synthgen.model.eval.BundleNumbers}).
 * Definitions follow SDMetrics' (KSComplement, TVComplement, CorrelationSimilarity,
 * ContingencySimilarity) so scores compare with that ecosystem.
 */
package io.synthgen.model.eval;
