package io.synthgen.model.train;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a worker needs to continue training, and everything it hands back: named flat
 * tensors (network parameters, batch-norm buffers, optimizer moments), the shared optimizer step
 * and summed per-step metrics. Plain arrays, so it crosses Spark broadcasts and aggregations with
 * any serializer.
 */
public final class TrainingState implements Serializable {
  private static final long serialVersionUID = 1L;
  private final LinkedHashMap<String, float[]> tensors;
  private final long step;
  private final double[] metricSums;
  private final long metricCount;
  private final long rowsSeen;
  private final int contributors;

  public TrainingState(Map<String, float[]> tensors, long step, double[] metricSums,
      long metricCount, long rowsSeen, int contributors) {
    this.tensors = new LinkedHashMap<>(tensors);
    this.step = step;
    this.metricSums = metricSums.clone();
    this.metricCount = metricCount;
    this.rowsSeen = rowsSeen;
    this.contributors = contributors;
  }

  /** A state with no metrics, as broadcast at the start of a round. */
  public static TrainingState of(Map<String, float[]> tensors, long step) {
    return new TrainingState(tensors, step, new double[0], 0, 0, 1);
  }

  public Map<String, float[]> tensors() {
    return tensors;
  }

  public float[] tensor(String name) {
    float[] t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("training state has no tensor " + name);
    }
    return t;
  }

  public long step() {
    return step;
  }

  public double[] metricSums() {
    return metricSums;
  }

  /** Mean of metric {@code i} over all steps of all contributors. */
  public double metricMean(int i) {
    return metricCount == 0 ? Double.NaN : metricSums[i] / metricCount;
  }

  public long metricCount() {
    return metricCount;
  }

  public long rowsSeen() {
    return rowsSeen;
  }

  public int contributors() {
    return contributors;
  }
}
