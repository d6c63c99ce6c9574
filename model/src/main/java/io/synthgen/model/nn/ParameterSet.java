package io.synthgen.model.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Named matrices laid out in one flat float vector, with a gradient vector of the same layout.
 *
 * <p>Every block is a view of the flat vector, so optimizers, averaging and serialization work on
 * the whole network with a handful of vector operations, and layers read and accumulate into
 * their own blocks.
 */
public final class ParameterSet {
  private final Map<String, INDArray> valueViews = new LinkedHashMap<>();
  private final Map<String, INDArray> gradientViews = new LinkedHashMap<>();
  private final INDArray values;
  private final INDArray gradients;

  private ParameterSet(Map<String, long[]> shapes, long total) {
    this.values = Nd4j.zeros(DataType.FLOAT, Math.max(total, 1));
    this.gradients = Nd4j.zeros(DataType.FLOAT, Math.max(total, 1));
    long offset = 0;
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      long n = e.getValue()[0] * e.getValue()[1];
      valueViews.put(e.getKey(), view(values, offset, n, e.getValue()));
      gradientViews.put(e.getKey(), view(gradients, offset, n, e.getValue()));
      offset += n;
    }
  }

  private static INDArray view(INDArray flat, long offset, long n, long[] shape) {
    return flat.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', shape);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The value matrix {@code name} (a view: writes change the flat vector). */
  public INDArray value(String name) {
    INDArray v = valueViews.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no parameter block " + name);
    }
    return v;
  }

  /** The gradient matrix {@code name} (a view). */
  public INDArray gradient(String name) {
    return gradientViews.get(name);
  }

  /** All values as one flat vector (shared, not a copy). */
  public INDArray flatValues() {
    return values;
  }

  /** All gradients as one flat vector (shared, not a copy). */
  public INDArray flatGradients() {
    return gradients;
  }

  public long size() {
    return values.length();
  }

  public void zeroGradients() {
    gradients.assign(0);
  }

  public float[] toFloatArray() {
    return HostArrays.floats(values);
  }

  /** Overwrites every value from {@code data}, which must have {@link #size()} elements. */
  public void load(float[] data) {
    if (data.length != values.length()) {
      throw new IllegalArgumentException(
          "parameter vector has " + data.length + " values, expected " + values.length());
    }
    HostArrays.copyInto(data, values);
  }

  /** Declares blocks in order. */
  public static final class Builder {
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private long total;

    public Builder add(String name, long rows, long cols) {
      if (shapes.put(name, new long[] {rows, cols}) != null) {
        throw new IllegalArgumentException("duplicate parameter block " + name);
      }
      total += rows * cols;
      return this;
    }

    public ParameterSet build() {
      return new ParameterSet(shapes, total);
    }
  }
}
