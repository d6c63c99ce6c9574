package io.synthgen.image;

/**
 * The names under which a {@code digit-dcgan} (and {@code digit-classifier}) model bundle stores
 * its tensors (see {@code docs/bundle-format.md}). Sampling reads {@link #GENERATOR_EMA} when the
 * model was trained with {@code generator-ema > 0}, else {@link #GENERATOR}.
 */
public final class DcganTensors {
  /** The generator's DL4J parameter vector. */
  public static final String GENERATOR = "generator";
  /** The generator's DL4J updater state. */
  public static final String GENERATOR_UPDATER = "generator.updater";
  /** The discriminator's DL4J parameter vector. */
  public static final String DISCRIMINATOR = "discriminator";
  /** The discriminator's DL4J updater state. */
  public static final String DISCRIMINATOR_UPDATER = "discriminator.updater";
  /** Moving average of the generator's weights (only with {@code generator-ema > 0}). */
  public static final String GENERATOR_EMA = "generator.ema";

  private DcganTensors() {}
}
