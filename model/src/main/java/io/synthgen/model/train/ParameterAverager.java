package io.synthgen.model.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameter averaging for data-parallel training (McDonald et al. 2010; Zinkevich et al. 2010, as
 * in DL4J's ParameterAveragingTrainingMaster): workers' states are summed pairwise (an associative,
 * commutative combine suitable for {@code treeAggregate}) and the sum divided by the number of
 * contributors. Parameters, batch-norm buffers and optimizer moments are all averaged; the
 * optimizer step must agree across workers.
 */
public final class ParameterAverager {
  private ParameterAverager() {}

  /** Sums two states (metrics and row counts add up, contributors add up). */
  public static TrainingState combine(TrainingState a, TrainingState b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    if (a.step() != b.step()) {
      throw new IllegalStateException(
          "workers disagree on the optimizer step: " + a.step() + " vs " + b.step());
    }
    if (!a.tensors().keySet().equals(b.tensors().keySet())) {
      throw new IllegalStateException("workers returned different tensors: "
          + a.tensors().keySet() + " vs " + b.tensors().keySet());
    }
    Map<String, float[]> sum = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : a.tensors().entrySet()) {
      float[] x = e.getValue();
      float[] y = b.tensor(e.getKey());
      if (x.length != y.length) {
        throw new IllegalStateException("tensor " + e.getKey() + " has lengths " + x.length
            + " and " + y.length);
      }
      float[] s = new float[x.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = x[i] + y[i];
      }
      sum.put(e.getKey(), s);
    }
    double[] ma = a.metricSums();
    double[] mb = b.metricSums();
    double[] m = new double[Math.max(ma.length, mb.length)];
    for (int i = 0; i < m.length; i++) {
      m[i] = (i < ma.length ? ma[i] : 0) + (i < mb.length ? mb[i] : 0);
    }
    return new TrainingState(sum, a.step(), m, a.metricCount() + b.metricCount(),
        a.rowsSeen() + b.rowsSeen(), a.contributors() + b.contributors());
  }

  /** Divides a summed state's tensors by its contributor count (metrics keep their sums). */
  public static TrainingState average(TrainingState sum) {
    int n = sum.contributors();
    if (n <= 0) {
      throw new IllegalArgumentException("no contributors to average");
    }
    Map<String, float[]> avg = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : sum.tensors().entrySet()) {
      float[] s = e.getValue();
      float[] out = new float[s.length];
      float inv = 1.0f / n;
      for (int i = 0; i < s.length; i++) {
        out[i] = s[i] * inv;
      }
      avg.put(e.getKey(), out);
    }
    return new TrainingState(avg, sum.step(), sum.metricSums(), sum.metricCount(), sum.rowsSeen(),
        n);
  }

  /**
   * Sum over the named tensors of the squared Euclidean distance between {@code a} and
   * {@code b} (for a worker, the squared norm of its parameter change over a round).
   */
  public static double squaredDistance(Map<String, float[]> a, Map<String, float[]> b,
      java.util.Set<String> names) {
    double sum = 0;
    for (String name : new java.util.TreeSet<>(names)) {
      float[] x = a.get(name);
      float[] y = b.get(name);
      for (int i = 0; i < x.length; i++) {
        double d = (double) x[i] - y[i];
        sum += d * d;
      }
    }
    return sum;
  }
}
