package io.synthgen.tabular.copula;

import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import java.util.List;

/** Options of the {@code gaussian-copula} model family. */
public final class GaussianCopulaConfig {
  public static final OptionSpec<Integer> SAMPLE_ROWS = OptionSpec.ofInt("transformer.sample-rows",
      20_000, 100, 10_000_000, "values per numeric column sampled for its empirical distribution");
  public static final OptionSpec<Integer> MAX_CATEGORIES = OptionSpec.ofInt(
      "transformer.max-categories", 1000, 2, 1_000_000,
      "most distinct values of a categorical column (more is an error)");

  /** Every model option, in documentation order. */
  public static final List<OptionSpec<?>> SPECS = List.of(SAMPLE_ROWS, MAX_CATEGORIES);

  public final int sampleRows;
  public final int maxCategories;

  private GaussianCopulaConfig(Options o) {
    sampleRows = o.get(SAMPLE_ROWS);
    maxCategories = o.get(MAX_CATEGORIES);
  }

  /** Builds the configuration from validated options. */
  public static GaussianCopulaConfig from(Options options) {
    return new GaussianCopulaConfig(options);
  }
}
