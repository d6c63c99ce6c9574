package io.synthgen.tabular.gan;

import java.io.Serializable;

/**
 * One worker's DP-SGD settings for the critic of a {@link TabularGan} (Abadi et al., CCS 2016):
 * each pack's gradient clipped to L2 norm {@code clip}, Gaussian noise of standard deviation
 * {@code noiseMultiplier * clip} added to the sum, rows taken by Poisson sampling with
 * {@code samplingRate} into {@code slots} packs per critic step ({@link
 * io.synthgen.tabular.privacy.PoissonPacks}).
 */
public record PrivateSgd(double clip, double noiseMultiplier, double samplingRate, int slots)
    implements Serializable {
  public PrivateSgd {
    if (!(clip > 0) || !(noiseMultiplier > 0) || !(samplingRate > 0 && samplingRate <= 1)
        || slots < 1) {
      throw new IllegalArgumentException("invalid DP-SGD settings: clip " + clip + ", noise "
          + noiseMultiplier + ", rate " + samplingRate + ", slots " + slots);
    }
  }
}
