package io.synthgen.tabular.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.synthgen.tabular.EncodedTable;
import io.synthgen.tabular.TabularFixtures;
import io.synthgen.tabular.transform.OneHotCategoryEncoder;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ValueProjectionTest {
  /** Float encodings: values come back to this much (the fixture's values are below 200). */
  private static final double VALUE_TOLERANCE = 1e-3;
  /** Finite differences in double precision against the analytic backward. */
  private static final double GRADIENT_TOLERANCE = 1e-6;

  @Test
  void realRowsProjectToTheirValuesUpToAConstantAndCategoriesToIndicators() {
    List<Object[]> rows = TabularFixtures.table(400, 1);
    TableTransformer t = TabularFixtures.fitted(rows);
    INDArray encoded = encoded(t, rows);
    ValueProjection p = new ValueProjection(t);
    // amount (numeric), kind (A, B, null), label (no, yes)
    assertEquals(1 + 3 + 2, p.width());
    INDArray projected = p.project(encoded);
    Double first = null;
    int firstRow = -1;
    for (int r = 0; r < rows.size(); r++) {
      Double amount = (Double) rows.get(r)[0];
      if (amount == null) {
        continue;
      }
      if (first == null) {
        first = amount;
        firstRow = r;
      }
      assertEquals(amount - first, projected.getDouble(r, 0) - projected.getDouble(firstRow, 0),
          VALUE_TOLERANCE, "row " + r);
      int kind = ((OneHotCategoryEncoder) t.columns().get(1)).indexOf((String) rows.get(r)[1]);
      assertEquals(1.0, projected.getDouble(r, 1 + kind), "kind indicator of row " + r);
    }
  }

  @Test
  void backwardMatchesFiniteDifferencesOnSoftEncodings() {
    List<Object[]> rows = TabularFixtures.table(400, 2);
    TableTransformer t = TabularFixtures.fitted(rows);
    ValueProjection p = new ValueProjection(t);
    SplittableRandom rng = new SplittableRandom(3);
    INDArray x = Nd4j.rand(DataType.DOUBLE, 5, t.width());
    double[] w = new double[p.width()];
    for (int i = 0; i < w.length; i++) {
      w[i] = rng.nextGaussian();
    }
    INDArray weights = Nd4j.create(w, new long[] {1, w.length}, DataType.DOUBLE);
    // loss = sum of squares of projection times weights
    INDArray proj = p.project(x);
    INDArray grad = p.backward(x, proj.mulRowVector(weights).muli(2));
    double h = 1e-6;
    for (int i = 0; i < x.rows(); i++) {
      for (int j = 0; j < x.columns(); j++) {
        double v = x.getDouble(i, j);
        x.putScalar(i, j, v + h);
        double up = loss(p, x, weights);
        x.putScalar(i, j, v - h);
        double down = loss(p, x, weights);
        x.putScalar(i, j, v);
        assertEquals((up - down) / (2 * h), grad.getDouble(i, j),
            GRADIENT_TOLERANCE * Math.max(1, Math.abs(grad.getDouble(i, j))),
            "d / d x[" + i + "," + j + "]");
      }
    }
  }

  private static double loss(ValueProjection p, INDArray x, INDArray weights) {
    INDArray proj = p.project(x);
    return proj.mul(proj).mulRowVector(weights).sumNumber().doubleValue();
  }

  private static INDArray encoded(TableTransformer t, List<Object[]> rows) {
    EncodedTable e = t.encode(rows.iterator(), 1);
    return Nd4j.create(e.data(), new long[] {e.rows(), e.width()}, 'c');
  }
}
