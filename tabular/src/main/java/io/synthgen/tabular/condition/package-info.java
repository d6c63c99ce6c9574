/**
 * What a row is conditioned on: training-by-sampling ({@link
 * io.synthgen.tabular.condition.TrainingByConditionSampler}), the label's joint counts for
 * label-paired conditions ({@link io.synthgen.tabular.condition.LabelPairs}), and the {@link
 * io.synthgen.tabular.condition.GenerationPlan} that fixes the exact rows and conditions of every
 * partition of a generate job. Uses {@code transform}.
 */
package io.synthgen.tabular.condition;
