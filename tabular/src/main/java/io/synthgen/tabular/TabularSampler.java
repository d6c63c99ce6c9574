package io.synthgen.tabular;

import io.synthgen.model.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Generates rows from a trained generator in inference mode (batch-norm running statistics), one
 * condition per row. One-hot spans are sampled with the Gumbel-max trick (the argmax of CTGAN's
 * Gumbel-softmax); numeric values are decoded by their column's {@link ModeSpecificNormalizer}.
 * A row conditioned on a category carries that category: the generator is conditioned on it, and
 * the value is then fixed, so "N rows of the rare class" is exact without any rejection loop.
 */
public final class TabularSampler {
  private static final int CHUNK = 2000;
  private final TableTransformer transformer;
  private final TabularGan gan;

  public TabularSampler(TableTransformer transformer, TabularGanConfig config, float[] weights,
      float[] buffers) {
    this.transformer = transformer;
    this.gan = new TabularGan(transformer, config);
    gan.importGenerator(weights, buffers);
  }

  /** Generated rows plus how often the generator honoured the condition before it was fixed. */
  public record Result(List<Object[]> rows, long conditioned, long honoured) {}

  /**
   * Generates one row per entry of {@code plan}, drawing all randomness from {@code seed}.
   * Conditions marked {@code enforced} set the conditioned value in the output.
   */
  public Result sample(GenerationPlan.Conditions plan, long seed) {
    int n = plan.size();
    Random nd = Nd4j.getRandomFactory().getNewRandomInstance(Seeds.derive(seed, 1));
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, 2));
    List<Object[]> rows = new ArrayList<>(n);
    long conditioned = 0;
    long honoured = 0;
    int condWidth = transformer.conditionWidth();
    List<TableTransformer.DiscreteColumn> discrete = transformer.discreteColumns();
    List<ColumnTransformer> columns = transformer.columns();
    int width = transformer.width();
    for (int start = 0; start < n; start += CHUNK) {
      int m = Math.min(CHUNK, n - start);
      INDArray cond = null;
      if (condWidth > 0) {
        float[] vec = new float[m * condWidth];
        for (int b = 0; b < m; b++) {
          int j = plan.column()[start + b];
          if (j >= 0) {
            vec[b * condWidth + discrete.get(j).conditionOffset() + plan.category()[start + b]] = 1f;
          }
        }
        cond = Nd4j.create(vec, new long[] {m, condWidth}, 'c');
      }
      float[] logits = gan.generateLogits(cond, nd, m).data().asFloat();
      for (int b = 0; b < m; b++) {
        int base = b * width;
        int condColumn = plan.column()[start + b];
        int condTable = condColumn >= 0 ? discrete.get(condColumn).column() : -1;
        Object[] out = new Object[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
          int off = base + transformer.dataOffset(i);
          ColumnTransformer c = columns.get(i);
          if (c instanceof ModeSpecificNormalizer num) {
            double scalar = Math.tanh(logits[off]);
            int mode = gumbelArgmax(logits, off + 1, num.modeCount(), rng);
            out[i] = num.decode(scalar, mode);
          } else {
            OneHotCategoryEncoder cat = (OneHotCategoryEncoder) c;
            int k = gumbelArgmax(logits, off, cat.width(), rng);
            if (i == condTable) {
              int target = plan.category()[start + b];
              if (plan.enforced()) {
                conditioned++;
                honoured += k == target ? 1 : 0;
                k = target;
              }
            }
            out[i] = cat.decode(k);
          }
        }
        rows.add(out);
      }
    }
    return new Result(rows, conditioned, honoured);
  }

  private static int gumbelArgmax(float[] logits, int offset, int width, SplittableRandom rng) {
    int best = 0;
    double bestV = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < width; k++) {
      double u = rng.nextDouble();
      double g = -Math.log(-Math.log(u + 1e-12) + 1e-12);
      double v = logits[offset + k] + g;
      if (v > bestV) {
        bestV = v;
        best = k;
      }
    }
    return best;
  }
}
