package io.synthgen.tabular.gan;

import io.synthgen.model.nn.HostArrays;
import io.synthgen.model.nn.MlpClassifier;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.Arrays;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Judges generated rows with the auxiliary classifier a {@link TabularGan} trained on the real rows
 * (key {@code classifier-loss-weight}): a row passes when the classifier, reading every column but
 * the label, gives the row's label class at least {@code output.label-filter}'s probability. The
 * {@link TabularSampler} draws a rejected row again with the same condition, so a job still writes
 * exactly the rows and classes it was asked for; rows of the rare class then sit where real rows of
 * that class sit rather than among the other class, which is what a model trained on real plus
 * synthetic rows needs. Filtering generated examples with a classifier trained on the real data is
 * LAMBADA's step (Anaby-Tavor et al., "Do Not Have Enough Data? Deep Learning to the Rescue!",
 * AAAI 2020), there for text.
 *
 * @implNote The classifier reads the row as the generator drew it, before output.match-marginals
 *     maps its numeric values: tanh scalars and one-hot modes and categories, the encoding it was
 *     trained on. A row none of whose {@link #MAX_DRAWS} draws passes keeps the draw the
 *     classifier scored highest, and is counted: the job reports the share of such rows (the
 *     give-up share).
 */
public final class LabelFilter {
  /** Most draws of one row; when none passes, the best-scoring one is kept. */
  public static final int MAX_DRAWS = 20;
  private final MlpClassifier classifier;
  private final TableTransformer.DiscreteColumn label;
  private final int labelColumn;
  private final INDArray labelMask;
  private final double threshold;

  /**
   * A filter from the bundle's classifier weights ({@code TabularGan}'s tensor "classifier");
   * {@code label} is the label's index among the discrete columns.
   */
  public LabelFilter(TableTransformer transformer, TabularGanConfig config, int label,
      float[] weights) {
    if (label < 0) {
      throw new IllegalArgumentException("a label filter needs a categorical label");
    }
    this.label = transformer.discreteColumns().get(label);
    this.labelColumn = this.label.column();
    int width = transformer.width();
    this.classifier = new MlpClassifier(width, config.classifierDims, this.label.width());
    if (weights == null || weights.length != classifier.parameters().size()) {
      throw new IllegalArgumentException("classifier weights have "
          + (weights == null ? "no" : weights.length) + " values, the classifier "
          + classifier.parameters().size());
    }
    classifier.parameters().load(weights);
    float[] mask = new float[width];
    Arrays.fill(mask, 1f);
    Arrays.fill(mask, this.label.dataOffset(), this.label.dataOffset() + this.label.width(), 0f);
    this.labelMask = HostArrays.matrix(mask, 1, width);
    this.threshold = config.labelFilter;
  }

  /** The label's column index in the table. */
  public int labelColumn() {
    return labelColumn;
  }

  /**
   * For each of {@code rows} encoded rows ({@code codes}, row-major, the transformer's width),
   * the probability the classifier gives its class {@code classes[b]}: the row's score.
   */
  public float[] scores(float[] codes, int rows, int[] classes) {
    float[] p = probabilities(codes, rows);
    int k = label.width();
    float[] score = new float[rows];
    for (int b = 0; b < rows; b++) {
      score[b] = p[b * k + classes[b]];
    }
    return score;
  }

  /** Whether a row of score {@code score} ({@link #scores}) passes the filter. */
  public boolean accepts(float score) {
    return score >= threshold;
  }

  /**
   * Class probabilities, row-major [rows, classes], of encoded rows; the classifier's arrays live
   * in a workspace released when it returns (fresh off-heap arrays for every chunk cost more than
   * the classifier's arithmetic).
   */
  float[] probabilities(float[] codes, int rows) {
    float[] z;
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(
        TabularGenerator.STEP_WORKSPACE, "tabular-gan-label-filter")) {
      INDArray x = HostArrays.matrix(codes, rows, codes.length / rows)
          .muliRowVector(labelMask);
      z = HostArrays.floats(classifier.logits(x));
    }
    int k = label.width();
    for (int b = 0; b < rows; b++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, z[b * k + j]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(z[b * k + j] - max);
      }
      for (int j = 0; j < k; j++) {
        z[b * k + j] = (float) (Math.exp(z[b * k + j] - max) / sum);
      }
    }
    return z;
  }
}
