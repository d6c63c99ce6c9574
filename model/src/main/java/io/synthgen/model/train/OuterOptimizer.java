package io.synthgen.model.train;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The driver's step after each averaging round, on the network parameters only: the workers'
 * mean parameter change over the round, {@code delta = start - average}, is treated as a
 * pseudo-gradient (DiLoCo: Douillard et al., "DiLoCo: Distributed Low-Communication Training of
 * Language Models", 2023; adaptive server optimizers: Reddi et al., "Adaptive Federated
 * Optimization", ICLR 2021).
 *
 * <ul>
 *   <li>{@link Kind#AVERAGE}: the new parameters are the average (plain parameter averaging).
 *   <li>{@link Kind#NESTEROV}: {@code m = mu m + delta; theta = start - lr (delta + mu m)}; with
 *       {@code lr = 1, mu = 0} it is the average.
 *   <li>{@link Kind#ADAM}: Adam on {@code delta} with bias correction over rounds (FedAdam).
 * </ul>
 *
 * <p>Everything that is not a parameter tensor (optimizer moments, batch-norm running statistics,
 * moving averages of weights) is averaged. Each parameter tensor (each network) has its own outer
 * state, kept in the training state under {@link #STATE_PREFIX} so that it is written to the model
 * bundle with every checkpoint and restored by {@code --resume}; it stays on the driver (see
 * {@link #workerTensors}).
 */
public final class OuterOptimizer implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Names of outer-state tensors start with this. */
  public static final String STATE_PREFIX = "outer.";

  /** The outer step's rule. */
  public enum Kind {
    AVERAGE, NESTEROV, ADAM;

    /** The rule named {@code name} (case-insensitive), or null. */
    public static Kind parse(String name) {
      for (Kind k : values()) {
        if (k.name().equalsIgnoreCase(name)) {
          return k;
        }
      }
      return null;
    }

    /** The name used in configuration. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Kind kind;
  private final double nesterovLr;
  private final double momentum;
  private final double adamLr;
  private final double beta1;
  private final double beta2;
  private final double epsilon;

  public OuterOptimizer(Kind kind, double nesterovLr, double momentum, double adamLr,
      double beta1, double beta2, double epsilon) {
    this.kind = kind;
    this.nesterovLr = nesterovLr;
    this.momentum = momentum;
    this.adamLr = adamLr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  /** Plain averaging. */
  public static OuterOptimizer average() {
    return new OuterOptimizer(Kind.AVERAGE, 1, 0, 0, 0, 0, 0);
  }

  public Kind kind() {
    return kind;
  }

  /** The tensors a worker needs: all but the outer state. */
  public static Map<String, float[]> workerTensors(Map<String, float[]> tensors) {
    Map<String, float[]> out = new LinkedHashMap<>();
    tensors.forEach((k, v) -> {
      if (!k.startsWith(STATE_PREFIX)) {
        out.put(k, v);
      }
    });
    return out;
  }

  /**
   * The state after round {@code round} (1-based count of outer steps taken, including this one):
   * {@code averaged} with each tensor named in {@code parameters} replaced by the outer step from
   * {@code start}, and the outer state of {@code start} advanced.
   */
  public TrainingState step(TrainingState start, TrainingState averaged, Set<String> parameters,
      long round) {
    if (kind == Kind.AVERAGE) {
      return averaged;
    }
    Map<String, float[]> out = new LinkedHashMap<>(averaged.tensors());
    for (String name : new java.util.TreeSet<>(parameters)) {
      float[] from = start.tensor(name);
      float[] avg = averaged.tensor(name);
      float[] next = new float[from.length];
      if (kind == Kind.NESTEROV) {
        float[] m = outerState(start, name + ".momentum", from.length);
        for (int i = 0; i < from.length; i++) {
          double delta = (double) from[i] - avg[i];
          double mi = momentum * m[i] + delta;
          m[i] = (float) mi;
          next[i] = (float) (from[i] - nesterovLr * (delta + momentum * mi));
        }
        out.put(STATE_PREFIX + name + ".momentum", m);
      } else {
        float[] m = outerState(start, name + ".m", from.length);
        float[] v = outerState(start, name + ".v", from.length);
        double c1 = 1 - Math.pow(beta1, round);
        double c2 = 1 - Math.pow(beta2, round);
        for (int i = 0; i < from.length; i++) {
          double delta = (double) from[i] - avg[i];
          double mi = beta1 * m[i] + (1 - beta1) * delta;
          double vi = beta2 * v[i] + (1 - beta2) * delta * delta;
          m[i] = (float) mi;
          v[i] = (float) vi;
          next[i] = (float) (from[i] - adamLr * (mi / c1) / (Math.sqrt(vi / c2) + epsilon));
        }
        out.put(STATE_PREFIX + name + ".m", m);
        out.put(STATE_PREFIX + name + ".v", v);
      }
      out.put(name, next);
    }
    return new TrainingState(out, averaged.step(), averaged.metricSums(), averaged.metricCount(),
        averaged.rowsSeen(), averaged.contributors());
  }

  /** A copy of the named outer-state tensor of {@code s}, or zeros on the first round. */
  private static float[] outerState(TrainingState s, String name, int length) {
    float[] t = s.tensors().get(STATE_PREFIX + name);
    if (t == null) {
      return new float[length];
    }
    if (t.length != length) {
      throw new IllegalStateException("outer state " + name + " has length " + t.length
          + ", its parameters " + length);
    }
    return t.clone();
  }
}
