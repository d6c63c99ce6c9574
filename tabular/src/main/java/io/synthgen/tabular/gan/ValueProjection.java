package io.synthgen.tabular.gan;

import io.synthgen.tabular.transform.ColumnTransformer;
import io.synthgen.tabular.transform.ModeSpecificNormalizer;
import io.synthgen.tabular.transform.TableTransformer;
import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A differentiable view of encoded rows (real, or the generator's activated output) as the values
 * they stand for, one column per numeric column and one per category of each small categorical
 * column, so that statistics of values, such as their correlations, can be matched by gradient.
 *
 * <p>A numeric column encoded as scalar {@code a} and mode probabilities {@code p} projects to
 * {@code sum_k p_k (offset_k + a * scale_k)} ({@link ModeSpecificNormalizer#modeOffsets},
 * {@link ModeSpecificNormalizer#modeScales}): for a real row (one-hot modes) exactly its value
 * before rounding, for a generated row with a near one-hot Gumbel-softmax nearly the value it
 * decodes to (less a constant per column). A categorical column projects to its category indicators.
 *
 * @implNote Categorical columns of more than {@link #MAX_INDICATOR_CATEGORIES} categories are
 *     left out: their indicators would grow the correlation matrix quadratically, and rare
 *     categories' batch correlations are mostly noise.
 */
final class ValueProjection implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Largest categorical column whose indicators are projected. */
  static final int MAX_INDICATOR_CATEGORIES = 32;

  private final int dataWidth;
  private final int width;
  /** [dataWidth, width]: mode offsets of numeric columns, 1 for category indicators. */
  private final float[] linear;
  /** [dataWidth, width]: mode scales of numeric columns. */
  private final float[] scale;
  /** [dataWidth, width]: 1 where a numeric column's scalar sits. */
  private final float[] scalar;

  ValueProjection(TableTransformer transformer) {
    int w = 0;
    for (ColumnTransformer c : transformer.columns()) {
      w += c instanceof ModeSpecificNormalizer ? 1
          : c.width() <= MAX_INDICATOR_CATEGORIES ? c.width() : 0;
    }
    this.dataWidth = transformer.width();
    this.width = w;
    this.linear = new float[dataWidth * w];
    this.scale = new float[dataWidth * w];
    this.scalar = new float[dataWidth * w];
    int col = 0;
    for (int i = 0; i < transformer.columns().size(); i++) {
      ColumnTransformer c = transformer.columns().get(i);
      int offset = transformer.dataOffset(i);
      if (c instanceof ModeSpecificNormalizer n) {
        double[] offsets = centred(n.modeOffsets());
        double[] scales = n.modeScales();
        scalar[offset * w + col] = 1f;
        for (int k = 0; k < offsets.length; k++) {
          linear[(offset + 1 + k) * w + col] = (float) offsets[k];
          scale[(offset + 1 + k) * w + col] = (float) scales[k];
        }
        col++;
      } else if (c.width() <= MAX_INDICATOR_CATEGORIES) {
        for (int k = 0; k < c.width(); k++) {
          linear[(offset + k) * w + col++] = 1f;
        }
      }
    }
  }

  /** Offsets less their mean: a shift that correlations ignore, kept out of float rounding. */
  private static double[] centred(double[] v) {
    double mean = java.util.Arrays.stream(v).average().orElse(0);
    return java.util.Arrays.stream(v).map(x -> x - mean).toArray();
  }

  /** Number of projected columns. */
  int width() {
    return width;
  }

  private INDArray matrix(float[] m, INDArray like) {
    return Nd4j.create(m, new long[] {dataWidth, width}, 'c').castTo(like.dataType());
  }

  /** The projection of encoded rows ({@code [rows, dataWidth]}) as {@code [rows, width()]}. */
  INDArray project(INDArray encoded) {
    // X A + (X S) * (X E)
    return encoded.mmul(matrix(linear, encoded)).addi(encoded.mmul(matrix(scale, encoded))
        .muli(encoded.mmul(matrix(scalar, encoded))));
  }

  /**
   * The gradient with respect to the encoded rows of a loss whose gradient with respect to
   * {@code project(encoded)} is {@code dProjected}.
   */
  INDArray backward(INDArray encoded, INDArray dProjected) {
    INDArray s = matrix(scale, encoded);
    INDArray e = matrix(scalar, encoded);
    return dProjected.mmul(matrix(linear, encoded).transpose())
        .addi(dProjected.mul(encoded.mmul(e)).mmul(s.transpose()))
        .addi(dProjected.mul(encoded.mmul(s)).mmul(e.transpose()));
  }
}
