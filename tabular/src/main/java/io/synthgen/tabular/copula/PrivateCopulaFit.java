package io.synthgen.tabular.copula;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.model.privacy.GaussianBudget;
import io.synthgen.model.privacy.PrivacyLedger;
import io.synthgen.model.privacy.PrivacyOptions;
import io.synthgen.tabular.privacy.ClippedOuterProducts;
import io.synthgen.tabular.privacy.PrivateHistograms;
import io.synthgen.tabular.profile.ColumnProfile;
import io.synthgen.tabular.profile.EmpiricalMarginal;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fitting a {@link GaussianCopula} with {@code (epsilon, delta)} differential privacy, in the two
 * passes of the exact fit: the marginals from {@link PrivateHistograms} (noisy hierarchical
 * histograms on public bounds, noisy category counts with a threshold), then the correlation from
 * {@link ClippedOuterProducts} of the rows' normal scores under those private marginals. Both are
 * Gaussian mechanisms on all rows; the budget's Rényi divergence is split between them by
 * {@code privacy.marginals-share} ({@link GaussianBudget}), and half of delta goes to the category
 * threshold when the table has categorical columns. Everything after the two noisy releases
 * (profiles, quantile grids, the latent-correlation map, the projection to a correlation matrix)
 * is post-processing, so the copula is {@code (epsilon, delta)}-DP; the {@link #ledger} records
 * it.
 */
public final class PrivateCopulaFit {
  private final PrivacyOptions.Budget budget;
  private final double selectionDelta;
  private final double marginalsNoise;
  private final double correlationNoise;
  private PrivacyLedger ledger = PrivacyLedger.empty();
  private long noisyRows = -1;

  private PrivateCopulaFit(PrivacyOptions.Budget budget, double selectionDelta,
      double marginalsNoise, double correlationNoise) {
    this.budget = budget;
    this.selectionDelta = selectionDelta;
    this.marginalsNoise = marginalsNoise;
    this.correlationNoise = correlationNoise;
  }

  /** Plans the noise for {@code budget} over a table with {@code categoricalColumns}. */
  public static PrivateCopulaFit plan(PrivacyOptions.Budget budget, double marginalsShare,
      int categoricalColumns) {
    double selection = categoricalColumns > 0 ? budget.delta() / 2 : 0;
    double[] z = GaussianBudget.noiseMultipliers(budget.epsilon(), budget.delta() - selection,
        marginalsShare, 1 - marginalsShare);
    return new PrivateCopulaFit(budget, selection, z[0], z[1]);
  }

  /** Releases the histograms' noisy profiles and fits the marginals from them. */
  public GaussianCopula marginals(PrivateHistograms counts, SplittableRandom rng) {
    ledger = ledger.with(new PrivacyLedger.Mechanism("marginals", "per column: hierarchical "
        + "histogram on the public bounds (" + PrivateHistograms.TREE_LEVELS + " levels) or "
        + "category counts, and the null count; L2 sensitivity " + fmt(counts.sensitivity()),
        1, marginalsNoise, 1));
    List<ColumnProfile> profiles = counts.release(marginalsNoise, selectionDelta, rng);
    noisyRows = profiles.get(0).count();
    return GaussianCopula.fitMarginals(profiles, EmpiricalMarginal.GRID_POINTS);
  }

  /** The table's row count as the first column's noisy counts give it (after marginals). */
  public long noisyRows() {
    return noisyRows;
  }

  /** The clip for the normal scores of {@code marginals}' latent variables. */
  public static double clipFor(GaussianCopula marginals) {
    return ClippedOuterProducts.defaultClip(marginals.latentDim());
  }

  /** Releases the noisy correlation of the clipped scores and sets it on {@code marginals}. */
  public GaussianCopula withCorrelation(GaussianCopula marginals, ClippedOuterProducts sums,
      SplittableRandom rng) {
    ledger = ledger.with(new PrivacyLedger.Mechanism("correlation", "sum of outer products of "
        + "the rows' normal scores, each row clipped to L2 norm "
        + fmt(clipFor(marginals)) + "; L2 sensitivity " + fmt(sums.sensitivity()), 1,
        correlationNoise, 1));
    return marginals.withObservedCorrelation(sums.correlation(correlationNoise, rng));
  }

  /** The record of what was spent (after both releases). */
  public PrivacyLedger ledger() {
    return ledger;
  }

  /** The bundle's {@code privacy} record. */
  public JsonNode privacyJson() {
    return ledger.toJson(budget.epsilon(), budget.delta(), selectionDelta);
  }

  private static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.3f", v);
  }
}
