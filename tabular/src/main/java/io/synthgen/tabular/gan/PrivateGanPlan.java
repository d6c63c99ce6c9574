package io.synthgen.tabular.gan;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.model.privacy.PrivacyLedger;
import io.synthgen.model.privacy.PrivacyOptions;
import io.synthgen.model.privacy.RdpAccountant;
import io.synthgen.tabular.privacy.PrivateHistograms;
import java.util.Locale;

/**
 * The privacy budget of a {@code tabular-gan} trained with differential privacy, planned before
 * training: the transformer's noisy histograms ({@link PrivateHistograms}: category counts and
 * frequencies, the numeric columns' distributions on their public bounds, the row count) take
 * {@code transformerShare} of the budget's Rényi divergence, as a Gaussian mechanism on all rows;
 * the critic's DP-SGD ({@link PrivateSgd}) gets the noise multiplier that spends the rest over
 * the run's {@code steps} critic updates per worker, each on a Poisson sample of rate {@code q}
 * ({@link RdpAccountant#sampledGaussianNoiseFor}). Half of delta goes to the category threshold
 * when the table has categorical columns.
 *
 * <p>The unit of clipping is a pack slot (its generated pack, and its real pack when it has real
 * rows); one row changes one slot's unit, whose clipped gradient moves the noisy sum by at most
 * {@code 2 clip} (the unit with the row against the unit without it), so the accountant sees
 * noise multiplier {@code z / 2} (docs/privacy.md). Workers
 * train on disjoint fixed partitions, so by parallel composition the run spends what one
 * worker's steps spend, whatever the number of workers.
 */
public final class PrivateGanPlan {
  private final PrivacyOptions.Budget budget;
  private final double selectionDelta;
  private final double transformerNoise;
  private final double criticNoise;
  private final double samplingRate;
  private final long steps;
  private final int pac;
  private final double clip;

  private PrivateGanPlan(PrivacyOptions.Budget budget, double selectionDelta,
      double transformerNoise, double criticNoise, double samplingRate, long steps, int pac,
      double clip) {
    this.budget = budget;
    this.selectionDelta = selectionDelta;
    this.transformerNoise = transformerNoise;
    this.criticNoise = criticNoise;
    this.samplingRate = samplingRate;
    this.steps = steps;
    this.pac = pac;
    this.clip = clip;
  }

  /**
   * The noise of the transformer's release for {@code budget}, {@code transformerShare} of it,
   * on a table with {@code categoricalColumns}; the critic's noise is set by {@link #withCritic}.
   */
  public static PrivateGanPlan plan(PrivacyOptions.Budget budget, double transformerShare,
      int categoricalColumns) {
    double selection = categoricalColumns > 0 ? budget.delta() / 2 : 0;
    double z = RdpAccountant.gaussianNoiseFor(budget.epsilon(), budget.delta() - selection, 1);
    return new PrivateGanPlan(budget, selection, z / Math.sqrt(transformerShare), Double.NaN,
        Double.NaN, 0, 1, Double.NaN);
  }

  /** The transformer release's noise multiplier. */
  public double transformerNoise() {
    return transformerNoise;
  }

  public double selectionDelta() {
    return selectionDelta;
  }

  /**
   * This plan with the critic's DP-SGD: {@code steps} critic updates per worker, each on a
   * Poisson sample of rate {@code q}, packs of {@code pac} rows clipped to {@code clip}; its noise
   * multiplier spends the rest of the budget.
   */
  public PrivateGanPlan withCritic(double q, long steps, int pac, double clip) {
    RdpAccountant base = RdpAccountant.empty().withGaussian(transformerNoise, 1);
    double accounted = RdpAccountant.sampledGaussianNoiseFor(budget.epsilon(),
        budget.delta() - selectionDelta, base, q, steps);
    double actual = 2 * accounted;
    return new PrivateGanPlan(budget, selectionDelta, transformerNoise, actual, q, steps, pac,
        clip);
  }

  /**
   * This plan with the critic's DP-SGD as a run recorded it ({@code record}: a bundle's privacy
   * record), for resuming that run with the same noise; fails naming the record when it has no
   * critic mechanism.
   */
  public PrivateGanPlan withRecordedCritic(JsonNode record, int pac, double clip) {
    for (JsonNode m : record.path("mechanisms")) {
      if (m.path("name").asText().equals("critic")) {
        double accounted = m.path("noise_multiplier").asDouble();
        return new PrivateGanPlan(budget, selectionDelta, transformerNoise,
            2 * accounted, m.path("sampling_rate").asDouble(),
            m.path("count").asLong(), pac, clip);
      }
    }
    throw new IllegalArgumentException("the privacy record has no critic mechanism: " + record);
  }

  /** Critic updates per worker the budget pays for. */
  public long steps() {
    return steps;
  }

  /** The Poisson sampling rate of the critic's updates. */
  public double samplingRate() {
    return samplingRate;
  }

  /** One worker's DP-SGD settings with {@code slots} packs per critic update. */
  public PrivateSgd privateSgd(int slots) {
    return new PrivateSgd(clip, criticNoise, samplingRate, slots);
  }

  /** The critic's noise multiplier (noise standard deviation over the clip). */
  public double criticNoise() {
    return criticNoise;
  }

  /** The ledger of the whole run (both mechanisms, every planned step). */
  public PrivacyLedger ledger(double histogramSensitivity) {
    PrivacyLedger l = PrivacyLedger.empty().with(new PrivacyLedger.Mechanism("transformer",
        "per column: hierarchical histogram on the public bounds ("
            + PrivateHistograms.TREE_LEVELS + " levels) or category counts, and the null count; "
            + "L2 sensitivity " + fmt(histogramSensitivity), 1, transformerNoise, 1));
    if (steps > 0) {
      l = l.with(new PrivacyLedger.Mechanism("critic", "DP-SGD: the sum over pack slots of "
          + "the gradient of the critic's loss (a generated pack's score, minus the score of the "
          + "slot's real pack of up to " + pac + " rows plus its gradient penalty), each clipped "
          + "to L2 norm " + fmt(clip) + "; L2 sensitivity " + fmt(2 * clip) + " (one row "
          + "changes one slot's unit); one mechanism per critic update, on a Poisson sample of "
          + "each worker's fixed partition", samplingRate, criticNoise / 2, steps));
    }
    return l;
  }

  /** The bundle's {@code privacy} record. */
  public JsonNode privacyJson(double histogramSensitivity) {
    return ledger(histogramSensitivity).toJson(budget.epsilon(), budget.delta(), selectionDelta);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
