/**
 * Math of the evaluation job, independent of Spark: mergeable accumulators (Kolmogorov-Smirnov
 * partials over sorted values, pairwise co-moments), distribution distances and quality gates.
 * Definitions follow SDMetrics' (KSComplement, TVComplement, CorrelationSimilarity,
 * ContingencySimilarity) so scores compare with that ecosystem.
 */
package io.synthgen.model.eval;
