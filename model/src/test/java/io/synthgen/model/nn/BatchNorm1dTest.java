package io.synthgen.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Batch normalization's statistics against PyTorch's conventions, computed here by hand. */
class BatchNorm1dTest {
  private static final double TOLERANCE = 1e-5;

  @Test
  void trainingForwardNormalizesWithTheBiasedVarianceAndMovesRunningStatisticsByMomentum() {
    ParameterSet.Builder pb = ParameterSet.builder();
    ParameterSet.Builder bb = ParameterSet.builder();
    BatchNorm1d bn = new BatchNorm1d(pb, bb, "bn", 2);
    ParameterSet p = pb.build();
    ParameterSet buffers = bb.build();
    bn.initialize(p, buffers);
    p.value("bn.gamma").assign(HostArrays.matrix(new float[] {2f, 0.5f}, 1, 2));
    p.value("bn.beta").assign(HostArrays.matrix(new float[] {1f, -1f}, 1, 2));
    // column 0: 1, 2, 3, 6 (mean 3, biased var 3.5, unbiased 14/3); column 1: constant 4
    INDArray h = HostArrays.matrix(new float[] {1, 4, 2, 4, 3, 4, 6, 4}, 4, 2);
    float[] out = HostArrays.floats(bn.forwardTrain(p, buffers, h, new BatchNorm1d.Cache()));
    double inv = 1 / Math.sqrt(3.5 + 1e-5);
    assertEquals(2 * (1 - 3) * inv + 1, out[0], TOLERANCE);
    assertEquals(2 * (6 - 3) * inv + 1, out[6], TOLERANCE);
    assertEquals(-1, out[1], TOLERANCE, "a constant column lands on beta");
    float[] mean = HostArrays.floats(buffers.value("bn.runningMean"));
    float[] var = HostArrays.floats(buffers.value("bn.runningVar"));
    assertEquals(0.1 * 3, mean[0], TOLERANCE);
    assertEquals(0.1 * 4, mean[1], TOLERANCE);
    assertEquals(0.9 + 0.1 * 14 / 3.0, var[0], TOLERANCE, "running variance is unbiased");
    assertEquals(0.9, var[1], TOLERANCE);
  }
}
