package io.synthgen.tabular.gan;

/**
 * The names under which a {@code tabular-gan} model bundle stores its tensors and the keys of its
 * transformer section (see {@code docs/bundle-format.md}). Sampling reads only
 * {@link #GENERATOR}, {@link #GENERATOR_BUFFERS} and, for output.label-filter,
 * {@link #CLASSIFIER}; the critic and the optimizer moments are kept for resuming training.
 */
public final class TabularGanTensors {
  /** The generator's parameters. */
  public static final String GENERATOR = "generator";
  /** The generator's batch-norm running statistics. */
  public static final String GENERATOR_BUFFERS = "generator.buffers";
  /** The critic's parameters. */
  public static final String CRITIC = "critic";
  /** The auxiliary classifier's parameters (only with classifier-loss-weight > 0). */
  public static final String CLASSIFIER = "classifier";
  public static final String GENERATOR_ADAM_M = "generator.adam.m";
  public static final String GENERATOR_ADAM_V = "generator.adam.v";
  public static final String CRITIC_ADAM_M = "critic.adam.m";
  public static final String CRITIC_ADAM_V = "critic.adam.v";
  public static final String CLASSIFIER_ADAM_M = "classifier.adam.m";
  public static final String CLASSIFIER_ADAM_V = "classifier.adam.v";

  /** Transformer-section key: the label's joint counts with each categorical column. */
  public static final String LABEL_PAIRS = "label_pairs";
  /** Transformer-section key: every numeric column's training distribution. */
  public static final String MARGINALS = "marginals";
  /** Transformer-section key: every numeric column's distribution within each label class. */
  public static final String MARGINALS_BY_LABEL = "marginalsByLabel";

  private TabularGanTensors() {}
}
