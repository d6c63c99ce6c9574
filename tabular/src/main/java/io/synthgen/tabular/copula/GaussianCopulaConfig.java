package io.synthgen.tabular.copula;

import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.privacy.PrivacyOptions;
import java.util.List;

/** Options of the {@code gaussian-copula} model family. */
public final class GaussianCopulaConfig {
  public static final OptionSpec<Integer> SAMPLE_ROWS = OptionSpec.ofInt("transformer.sample-rows",
      20_000, 100, 10_000_000, "values per numeric column sampled for its empirical distribution");
  public static final OptionSpec<Integer> MAX_CATEGORIES = OptionSpec.ofInt(
      "transformer.max-categories", 1000, 2, 1_000_000,
      "most distinct values of a categorical column (more is an error)");

  public static final OptionSpec<Double> MARGINALS_SHARE = OptionSpec.ofDouble(
      "privacy.marginals-share", 0.5, 0.05, 0.95, "with privacy.epsilon: the share of the "
          + "privacy budget (of its Renyi divergence) spent on the noisy column histograms; the "
          + "rest goes to the noisy correlation of the normal scores");

  /** Every model option, in documentation order. */
  public static final List<OptionSpec<?>> SPECS = List.of(SAMPLE_ROWS, MAX_CATEGORIES,
      PrivacyOptions.EPSILON, PrivacyOptions.DELTA, MARGINALS_SHARE);

  public final int sampleRows;
  public final int maxCategories;
  public final double marginalsShare;

  private GaussianCopulaConfig(Options o) {
    sampleRows = o.get(SAMPLE_ROWS);
    maxCategories = o.get(MAX_CATEGORIES);
    marginalsShare = o.get(MARGINALS_SHARE);
  }

  /** Builds the configuration from validated options. */
  public static GaussianCopulaConfig from(Options options) {
    return new GaussianCopulaConfig(options);
  }
}
