/**
 * Generation-time output corrections fitted on pilot samples: {@link
 * io.synthgen.tabular.correction.CategoryWeights} (output.match-categories) and {@link
 * io.synthgen.tabular.correction.MarginalMatcher} (output.match-marginals). Uses {@code profile}
 * and {@code transform}; used by the models.
 */
package io.synthgen.tabular.correction;
