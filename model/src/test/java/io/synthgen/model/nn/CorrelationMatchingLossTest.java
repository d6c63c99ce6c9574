package io.synthgen.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CorrelationMatchingLossTest {
  /** Finite differences in double precision agree with the analytic gradient to this much. */
  private static final double GRADIENT_TOLERANCE = 1e-6;

  private static INDArray randomMatrix(long seed, int rows, int cols) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] v = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      double shared = rng.nextGaussian();
      for (int c = 0; c < cols; c++) {
        v[r][c] = (c + 1) * (0.5 * shared + rng.nextGaussian()) + 10 * c;
      }
    }
    return Nd4j.create(v).castTo(DataType.DOUBLE);
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    INDArray x = randomMatrix(1, 12, 4);
    INDArray target = CorrelationMatchingLoss.correlation(randomMatrix(2, 40, 4));
    CorrelationMatchingLoss.Result r = CorrelationMatchingLoss.evaluate(x, target, 3.0);
    double h = 1e-6;
    for (int i = 0; i < x.rows(); i++) {
      for (int j = 0; j < x.columns(); j++) {
        double v = x.getDouble(i, j);
        x.putScalar(i, j, v + h);
        double up = CorrelationMatchingLoss.evaluate(x, target, 3.0).loss();
        x.putScalar(i, j, v - h);
        double down = CorrelationMatchingLoss.evaluate(x, target, 3.0).loss();
        x.putScalar(i, j, v);
        assertEquals((up - down) / (2 * h), r.gradient().getDouble(i, j), GRADIENT_TOLERANCE,
            "d loss / d x[" + i + "," + j + "]");
      }
    }
  }

  @Test
  void lossIsTheWeightedMeanSquaredCorrelationDifferenceOverPairs() {
    INDArray x = randomMatrix(3, 50, 3);
    INDArray rx = CorrelationMatchingLoss.correlation(x);
    INDArray target = Nd4j.eye(3).castTo(DataType.DOUBLE);
    double expected = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = i + 1; j < 3; j++) {
        expected += Math.pow(rx.getDouble(i, j), 2) / 3;
      }
    }
    assertEquals(2 * expected, CorrelationMatchingLoss.evaluate(x, target, 2).loss(), 1e-9);
    assertEquals(0, CorrelationMatchingLoss.evaluate(x, rx, 2).loss(), 1e-9,
        "a batch matching its own correlation has no loss");
  }

  @Test
  void columnWithoutVarianceInTheTargetIsLeftOut() {
    INDArray real = randomMatrix(4, 30, 3);
    real.getColumn(1).assign(7.0);
    INDArray target = CorrelationMatchingLoss.correlation(real);
    assertTrue(Double.isNaN(target.getDouble(0, 1)));
    INDArray x = randomMatrix(5, 30, 3);
    CorrelationMatchingLoss.Result r = CorrelationMatchingLoss.evaluate(x, target, 1);
    assertEquals(Math.pow(CorrelationMatchingLoss.correlation(x).getDouble(0, 2)
        - target.getDouble(0, 2), 2), r.loss(), 1e-9, "only the pair (0, 2) counts");
    assertEquals(0, r.gradient().getColumn(1).norm2Number().doubleValue(), 1e-12,
        "no gradient on the column without a target");
  }

  @Test
  void noValidPairGivesZeroLossAndGradient() {
    INDArray real = randomMatrix(6, 10, 2);
    real.getColumn(0).assign(1.0);
    CorrelationMatchingLoss.Result r = CorrelationMatchingLoss.evaluate(randomMatrix(7, 10, 2),
        CorrelationMatchingLoss.correlation(real), 1);
    assertEquals(0, r.loss());
    assertEquals(0, r.gradient().norm2Number().doubleValue());
  }

  @Test
  void gradientDescentOnTheBatchReachesTheTargetCorrelation() {
    INDArray x = randomMatrix(8, 200, 2);
    INDArray target = Nd4j.create(new double[][] {{1, -0.6}, {-0.6, 1}});
    double before = CorrelationMatchingLoss.evaluate(x, target, 1).loss();
    for (int s = 0; s < 300; s++) {
      x.subi(CorrelationMatchingLoss.evaluate(x, target, 1).gradient().mul(50));
    }
    assertTrue(before > 0.5, "the start is far from the target: " + before);
    assertEquals(-0.6, CorrelationMatchingLoss.correlation(x).getDouble(0, 1), 0.01);
  }
}
