package io.synthgen.tabular.gan;

import io.synthgen.model.InvalidInputException;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.privacy.PrivacyOptions;
import io.synthgen.tabular.correction.MarginalMatcher;
import io.synthgen.tabular.transform.ModeSpecificNormalizer;
import java.io.Serializable;
import java.util.List;

/**
 * Hyperparameters of the tabular GAN. Defaults are those of CTGAN's reference implementation
 * (Xu et al., NeurIPS 2019; sdv-dev/CTGAN): batch 500, z 128, (256, 256) layers, pac 10, Adam
 * 2e-4 with betas (0.5, 0.9) and weight decay 1e-6, WGAN-GP lambda 10, Gumbel-softmax tau 0.2.
 */
public final class TabularGanConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final OptionSpec<Integer> BATCH_SIZE = OptionSpec.ofInt("batch-size", 500, 10,
      1_000_000, "rows per local training step on each worker (batch-scope=global: over all "
          + "workers); a multiple of pac");
  public static final OptionSpec<Integer> EMBEDDING_DIM = OptionSpec.ofInt("embedding-dim", 128, 1,
      4096, "size of the generator's Gaussian noise input z");
  public static final OptionSpec<int[]> GENERATOR_DIMS = OptionSpec.ofIntList("generator-dims",
      new int[] {256, 256}, "widths of the generator's residual blocks");
  public static final OptionSpec<int[]> CRITIC_DIMS = OptionSpec.ofIntList("critic-dims",
      new int[] {256, 256}, "widths of the critic's hidden layers");
  public static final OptionSpec<Integer> PAC = OptionSpec.ofInt("pac", 10, 1, 100,
      "rows the critic judges together (PacGAN)");
  public static final OptionSpec<Double> GENERATOR_LR = OptionSpec.ofDouble("generator-lr", 2e-4,
      0, 1, "Adam learning rate of the generator");
  public static final OptionSpec<Double> CRITIC_LR = OptionSpec.ofDouble("critic-lr", 2e-4, 0, 1,
      "Adam learning rate of the critic");
  public static final OptionSpec<Double> ADAM_BETA1 = OptionSpec.ofDouble("adam-beta1", 0.5, 0,
      0.999999, "Adam beta1 of both networks");
  public static final OptionSpec<Double> ADAM_BETA2 = OptionSpec.ofDouble("adam-beta2", 0.9, 0,
      0.999999, "Adam beta2 of both networks");
  public static final OptionSpec<Double> GENERATOR_DECAY = OptionSpec.ofDouble("generator-decay",
      1e-6, 0, 1, "L2 weight decay of the generator (added to the gradient)");
  public static final OptionSpec<Double> CRITIC_DECAY = OptionSpec.ofDouble("critic-decay", 1e-6,
      0, 1, "L2 weight decay of the critic (added to the gradient)");
  public static final OptionSpec<Integer> CRITIC_STEPS = OptionSpec.ofInt("critic-steps", 2, 1,
      100, "critic updates per generator update");
  public static final OptionSpec<Double> GP_LAMBDA = OptionSpec.ofDouble("gp-lambda", 10, 0, 1e6,
      "weight of the WGAN-GP gradient penalty");
  public static final OptionSpec<Double> GUMBEL_TAU = OptionSpec.ofDouble("gumbel-tau", 0.2, 1e-3,
      10, "Gumbel-softmax temperature of one-hot outputs");
  public static final OptionSpec<Double> CRITIC_DROPOUT = OptionSpec.ofDouble("critic-dropout",
      0.5, 0, 0.95, "dropout rate after each critic hidden layer");
  public static final OptionSpec<Double> CORRELATION_WEIGHT = OptionSpec.ofDouble(
      "correlation-loss-weight", 50, 0, 1e6, "weight of the generator's correlation-matching "
          + "loss: mean squared difference between the value correlations of a generated batch "
          + "and of a real batch with the same conditions (0 disables)");
  public static final OptionSpec<Boolean> CORRELATION_STRAIGHT_THROUGH = OptionSpec.ofBoolean(
      "correlation-loss-straight-through", false, "measure the correlation loss on the "
          + "generated batch with its one-hot spans hardened to their argmax, the values "
          + "sampling will produce, passing the gradient straight through to the soft outputs");
  public static final OptionSpec<Double> CLASSIFIER_WEIGHT = OptionSpec.ofDouble(
      "classifier-loss-weight", 0.3, 0, 1e6, "weight of the generator's auxiliary classifier loss "
          + "(CTAB-GAN+): a classifier trained on real rows predicts the label from the other "
          + "columns, and its cross-entropy on each generated row against that row's class is "
          + "added to the generator's loss, so generated features agree with their class (tables "
          + "with a categorical label; 0 disables)");
  public static final OptionSpec<int[]> CLASSIFIER_DIMS = OptionSpec.ofIntList("classifier-dims",
      new int[] {128, 128}, "widths of the auxiliary classifier's hidden layers");
  public static final OptionSpec<Double> CLASSIFIER_LR = OptionSpec.ofDouble("classifier-lr",
      2e-4, 0, 1, "Adam learning rate of the auxiliary classifier (betas and weight decay: the "
          + "critic's)");
  public static final OptionSpec<Boolean> LABEL_PAIRED_CONDITIONS = OptionSpec.ofBoolean(
      "label-paired-conditions", true, "pair every condition with the label (tables with a "
          + "label and another categorical column): training conditions name a category and the "
          + "class of a real row carrying it (or, for a class, another column's category in "
          + "that row), and generate jobs draw each row's partner condition from the training "
          + "table's joint frequencies and carry it in the output");
  public static final OptionSpec<Integer> MAX_MODES = OptionSpec.ofInt("transformer.max-modes", 10,
      1, 100, "most Gaussian modes per numeric column");
  public static final OptionSpec<Double> WEIGHT_THRESHOLD = OptionSpec.ofDouble(
      "transformer.weight-threshold", 0.005, 0, 1, "Gaussian modes below this weight are dropped");
  public static final OptionSpec<Integer> SAMPLE_ROWS = OptionSpec.ofInt("transformer.sample-rows",
      20_000, 100, 10_000_000, "values per numeric column sampled to fit its mixture");
  public static final OptionSpec<Double> POINT_MASS_SHARE = OptionSpec.ofDouble(
      "transformer.point-mass-share", 0.05, 0, 1,
      "an exact value holding at least this share of a numeric column becomes a discrete mode "
          + "(1 disables)");
  public static final OptionSpec<Integer> MAX_POINT_MASSES = OptionSpec.ofInt(
      "transformer.max-point-masses", 8, 0, 100, "most discrete exact-value modes per column");
  public static final OptionSpec<Boolean> ENFORCE_BOUNDS = OptionSpec.ofBoolean(
      "transformer.enforce-bounds", true,
      "clip generated numeric values to the column's observed [min, max]");
  public static final OptionSpec<Integer> MAX_CATEGORIES = OptionSpec.ofInt(
      "transformer.max-categories", 1000, 2, 1_000_000,
      "most distinct values of a categorical column (more is an error)");

  public static final OptionSpec<Boolean> MATCH_MARGINALS = OptionSpec.ofBoolean(
      "output.match-marginals", true,
      "map generated numeric values onto the training column's distribution, order kept "
          + "(the generator's own distribution estimated from output.pilot-rows rows)");
  public static final OptionSpec<Boolean> MATCH_MARGINALS_BY_LABEL = OptionSpec.ofBoolean(
      "output.match-marginals-by-label", true,
      "with output.match-marginals, map the numeric values of each class of the label onto that "
          + "class's training distribution (a class with fewer than "
          + MarginalMatcher.MIN_CLASS_PILOT_ROWS + " pilot rows, or a column with fewer than "
          + MarginalMatcher.MIN_CLASS_VALUES + " values in the class, uses the whole column's)");
  public static final OptionSpec<Boolean> MATCH_CATEGORIES = OptionSpec.ofBoolean(
      "output.match-categories", true,
      "reweight generated categories so their shares are the training table's (prior-shift "
          + "correction fitted on output.pilot-rows rows)");
  public static final OptionSpec<Boolean> BATCH_STATISTICS = OptionSpec.ofBoolean(
      "output.batch-statistics", false,
      "sample with the generator's batch norm using each generated chunk's own statistics, as "
          + "in training, instead of the running averages");
  public static final OptionSpec<Double> MODE_TEMPERATURE = OptionSpec.ofDouble(
      "output.mode-temperature", 1.0, 0, 10,
      "temperature of the draw of each numeric value's mode from the generator's softmax: 1 "
          + "samples the softmax (CTGAN), 0 takes its most likely mode, values between sharpen it; "
          + "a sharper draw keeps more of the dependence between numeric columns, and "
          + "output.match-marginals restores each column's distribution");
  public static final OptionSpec<Double> LABEL_CONDITION_SHARE = OptionSpec.ofDouble(
      "output.label-condition-share", 1.0, 0, 1,
      "share of the rows of an unconditional generate job conditioned on the label, its classes "
          + "apportioned exactly to their training shares; the other rows are conditioned as "
          + "CTGAN samples (a categorical column uniformly, a category by its frequency)");
  public static final OptionSpec<Double> LABEL_FILTER = OptionSpec.ofDouble(
      "output.label-filter", 0.5, 0, 0.99,
      "keep a generated row only where the auxiliary classifier (classifier-loss-weight > 0, "
          + "trained on the real rows) gives the row's label class at least this probability; "
          + "a rejected row is drawn again with the same condition, at most "
          + LabelFilter.MAX_DRAWS + " times (0 = off)");
  public static final OptionSpec<Integer> PILOT_ROWS = OptionSpec.ofInt("output.pilot-rows",
      20_000, 100, 10_000_000, "rows generated on the driver to estimate the generator's "
          + "distribution for output.match-marginals and output.match-categories");

  public static final OptionSpec<Integer> PRIVACY_MIN_CLASS_ROWS = OptionSpec.ofInt(
      "privacy.min-class-rows", 100, 2, 1_000_000_000, "fewest training rows a class of the "
          + "label needs for the model to keep a summary of its numeric columns of its own (for "
          + "output.match-marginals-by-label); a smaller class is generated with the whole "
          + "columns' summaries");

  public static final OptionSpec<Boolean> STEP_PHASES = OptionSpec.ofBoolean(
      "telemetry.step-phases", false, "time each part of a training step (conditions, "
          + "generator and critic passes, gradient penalty, correlation loss, auxiliary "
          + "classifier, Adam updates) and report milliseconds per step in each round's log line "
          + "and history as ms_PART (scripts/profile-training)");

  public static final OptionSpec<Double> PRIVACY_TRANSFORMER_SHARE = OptionSpec.ofDouble(
      "privacy.transformer-share", 0.1, 0.01, 0.9, "with privacy.epsilon: the share of the "
          + "privacy budget (of its Renyi divergence) spent on the transformer's noisy column "
          + "histograms (category lists and frequencies, numeric distributions on the metadata's "
          + "bounds); the rest goes to the critic's DP-SGD");

  public static final OptionSpec<Double> PRIVACY_CLIP = OptionSpec.ofDouble("privacy.clip", 1.0,
      1e-4, 1e4, "with privacy.epsilon: the L2 norm each pack's gradient of the critic's loss "
          + "on real rows is clipped to in DP-SGD (the noise's standard deviation is this times "
          + "the noise multiplier)");

  /** Every model option, in documentation order. */
  public static final List<OptionSpec<?>> SPECS = List.of(BATCH_SIZE, EMBEDDING_DIM,
      GENERATOR_DIMS, CRITIC_DIMS, PAC, GENERATOR_LR, CRITIC_LR, ADAM_BETA1, ADAM_BETA2,
      GENERATOR_DECAY, CRITIC_DECAY, CRITIC_STEPS, GP_LAMBDA, GUMBEL_TAU, CRITIC_DROPOUT,
      CORRELATION_WEIGHT, CORRELATION_STRAIGHT_THROUGH, CLASSIFIER_WEIGHT, CLASSIFIER_DIMS,
      CLASSIFIER_LR, LABEL_PAIRED_CONDITIONS, MAX_MODES, WEIGHT_THRESHOLD, SAMPLE_ROWS,
      POINT_MASS_SHARE, MAX_POINT_MASSES, ENFORCE_BOUNDS, MAX_CATEGORIES, MATCH_MARGINALS,
      MATCH_MARGINALS_BY_LABEL, MATCH_CATEGORIES, BATCH_STATISTICS, MODE_TEMPERATURE, LABEL_CONDITION_SHARE,
      LABEL_FILTER, PILOT_ROWS, PRIVACY_MIN_CLASS_ROWS, STEP_PHASES, PrivacyOptions.EPSILON,
      PrivacyOptions.DELTA, PRIVACY_TRANSFORMER_SHARE, PRIVACY_CLIP);

  public final int batchSize;
  public final int embeddingDim;
  public final int[] generatorDims;
  public final int[] criticDims;
  public final int pac;
  public final double generatorLr;
  public final double criticLr;
  public final double beta1;
  public final double beta2;
  public final double generatorDecay;
  public final double criticDecay;
  public final int criticSteps;
  public final double gpLambda;
  public final double gumbelTau;
  public final double criticDropout;
  public final double correlationWeight;
  public final boolean correlationStraightThrough;
  public final boolean labelPairedConditions;
  public final double classifierWeight;
  public final int[] classifierDims;
  public final double classifierLr;
  public final int sampleRows;
  public final int maxCategories;
  public final boolean matchMarginals;
  public final boolean matchMarginalsByLabel;
  public final boolean matchCategories;
  public final boolean batchStatistics;
  public final double modeTemperature;
  public final int pilotRows;
  public final int minClassRows;
  public final double labelConditionShare;
  public final double labelFilter;
  public final boolean stepPhases;
  public final double privacyTransformerShare;
  public final double privacyClip;
  public final ModeSpecificNormalizer.FitOptions fitOptions;

  private TabularGanConfig(Options o) {
    batchSize = o.get(BATCH_SIZE);
    embeddingDim = o.get(EMBEDDING_DIM);
    generatorDims = o.get(GENERATOR_DIMS).clone();
    criticDims = o.get(CRITIC_DIMS).clone();
    pac = o.get(PAC);
    generatorLr = o.get(GENERATOR_LR);
    criticLr = o.get(CRITIC_LR);
    beta1 = o.get(ADAM_BETA1);
    beta2 = o.get(ADAM_BETA2);
    generatorDecay = o.get(GENERATOR_DECAY);
    criticDecay = o.get(CRITIC_DECAY);
    criticSteps = o.get(CRITIC_STEPS);
    gpLambda = o.get(GP_LAMBDA);
    gumbelTau = o.get(GUMBEL_TAU);
    criticDropout = o.get(CRITIC_DROPOUT);
    correlationWeight = o.get(CORRELATION_WEIGHT);
    correlationStraightThrough = o.get(CORRELATION_STRAIGHT_THROUGH);
    labelPairedConditions = o.get(LABEL_PAIRED_CONDITIONS);
    classifierWeight = o.get(CLASSIFIER_WEIGHT);
    classifierDims = o.get(CLASSIFIER_DIMS).clone();
    classifierLr = o.get(CLASSIFIER_LR);
    sampleRows = o.get(SAMPLE_ROWS);
    maxCategories = o.get(MAX_CATEGORIES);
    matchMarginals = o.get(MATCH_MARGINALS);
    matchMarginalsByLabel = o.get(MATCH_MARGINALS_BY_LABEL);
    matchCategories = o.get(MATCH_CATEGORIES);
    batchStatistics = o.get(BATCH_STATISTICS);
    modeTemperature = o.get(MODE_TEMPERATURE);
    pilotRows = o.get(PILOT_ROWS);
    minClassRows = o.get(PRIVACY_MIN_CLASS_ROWS);
    labelConditionShare = o.get(LABEL_CONDITION_SHARE);
    labelFilter = o.get(LABEL_FILTER);
    stepPhases = o.get(STEP_PHASES);
    privacyTransformerShare = o.get(PRIVACY_TRANSFORMER_SHARE);
    privacyClip = o.get(PRIVACY_CLIP);
    fitOptions = new ModeSpecificNormalizer.FitOptions(o.get(MAX_MODES), o.get(WEIGHT_THRESHOLD),
        o.get(POINT_MASS_SHARE), o.get(MAX_POINT_MASSES), o.get(ENFORCE_BOUNDS));
    if (batchSize % pac != 0) {
      throw new InvalidInputException("option 'batch-size' (" + batchSize
          + ") must be a multiple of option 'pac' (" + pac + "): change one of them");
    }
  }

  /** Builds the configuration from validated options (cross-option rules checked here). */
  public static TabularGanConfig from(Options options) {
    return new TabularGanConfig(options);
  }
}
