package io.synthgen.model.privacy;

import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import java.util.List;

/**
 * The train keys that ask for differential privacy, shared by the table families that support
 * it. Unset {@code privacy.epsilon} means no differential privacy.
 */
public final class PrivacyOptions {
  private PrivacyOptions() {}

  public static final OptionSpec<Double> EPSILON = OptionSpec.ofOptionalDouble(
      "privacy.epsilon", 0.01, 100, "differential privacy budget epsilon for everything the "
          + "model keeps of the training rows (none = no differential privacy; the bundle then "
          + "records epsilon: none); needs 'bounds' for every numeric column in the metadata");
  public static final OptionSpec<Double> DELTA = OptionSpec.ofOptionalDouble("privacy.delta",
      1e-12, 1e-2, "differential privacy delta with privacy.epsilon (none = 10^-(d+1) for a "
          + "table of up to 10^d rows, below 1/(10 rows): 1e-5 for 1,001 to 10,000 rows)");

  /** The keys, in documentation order. */
  public static final List<OptionSpec<?>> SPECS = List.of(EPSILON, DELTA);

  /** The budget asked for, or null where {@code privacy.epsilon} is unset. */
  public static Budget budget(Options o, long rows) {
    Double eps = o.get(EPSILON);
    if (eps == null) {
      return null;
    }
    Double delta = o.get(DELTA);
    return new Budget(eps, delta != null ? delta : GaussianBudget.defaultDelta(rows));
  }

  /** An {@code (epsilon, delta)} budget. */
  public record Budget(double epsilon, double delta) { }
}
