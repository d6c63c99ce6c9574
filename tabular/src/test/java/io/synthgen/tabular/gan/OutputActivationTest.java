package io.synthgen.tabular.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.nn.HostArrays;
import io.synthgen.tabular.TabularFixtures;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The output activation against its definition computed here in double precision: tanh and
 * Gumbel-softmax per span forward; backward (with the conditional cross-entropy) against
 * central finite differences of that definition.
 */
class OutputActivationTest {
  private static final double TAU = 0.2;
  private static final int ROWS = 6;
  /** Float arithmetic against the double definition. */
  private static final double VALUE_TOLERANCE = 1e-5;
  private static final double GRADIENT_TOLERANCE = 2e-4;

  private final TableTransformer transformer =
      TabularFixtures.fitted(TabularFixtures.table(300, 8));
  private final int width = transformer.width();

  private static float[] uniform(int n, double scale, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return v;
  }

  /** Half the rows conditioned on one category of one discrete column (a one-hot vector). */
  private float[] conditions() {
    int condWidth = transformer.conditionWidth();
    float[] c = new float[ROWS * condWidth];
    List<TableTransformer.DiscreteColumn> discrete = transformer.discreteColumns();
    SplittableRandom r = new SplittableRandom(3);
    for (int b = 0; b < ROWS; b += 2) {
      TableTransformer.DiscreteColumn dc = discrete.get(r.nextInt(discrete.size()));
      c[b * condWidth + dc.conditionOffset() + r.nextInt(dc.width())] = 1f;
    }
    return c;
  }

  /** The activation by definition, in double. */
  private double[] definition(double[] x, float[] g) {
    double[] out = new double[x.length];
    for (int b = 0; b < ROWS; b++) {
      for (TableTransformer.Span s : transformer.spans()) {
        int o = b * width + s.start();
        if (s.tanh()) {
          for (int k = 0; k < s.width(); k++) {
            out[o + k] = Math.tanh(x[o + k]);
          }
        } else {
          double sum = 0;
          for (int k = 0; k < s.width(); k++) {
            sum += Math.exp((x[o + k] + g[o + k]) / TAU);
          }
          for (int k = 0; k < s.width(); k++) {
            out[o + k] = Math.exp((x[o + k] + g[o + k]) / TAU) / sum;
          }
        }
      }
    }
    return out;
  }

  /** sum(activation * upstream) + mean cross-entropy of the conditioned categories. */
  private double loss(double[] x, float[] g, float[] upstream, float[] cond) {
    double[] a = definition(x, g);
    double l = 0;
    for (int i = 0; i < a.length; i++) {
      l += a[i] * upstream[i];
    }
    int condWidth = transformer.conditionWidth();
    for (int b = 0; b < ROWS; b++) {
      for (TableTransformer.DiscreteColumn dc : transformer.discreteColumns()) {
        double sum = 0;
        for (int k = 0; k < dc.width(); k++) {
          sum += Math.exp(x[b * width + dc.dataOffset() + k]);
        }
        for (int k = 0; k < dc.width(); k++) {
          if (cond[b * condWidth + dc.conditionOffset() + k] != 0) {
            l -= (x[b * width + dc.dataOffset() + k] - Math.log(sum)) / ROWS;
          }
        }
      }
    }
    return l;
  }

  @Test
  void tanhAndGumbelSoftmaxPerSpanAsDefined() {
    float[] x = uniform(ROWS * width, 3, 1);
    float[] g = uniform(ROWS * width, 1, 2);
    OutputActivation activation = new OutputActivation(transformer, TAU);
    float[] got = HostArrays.floats(activation.activate(HostArrays.matrix(x, ROWS, width),
        HostArrays.matrix(g, ROWS, width)));
    double[] xd = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      xd[i] = x[i];
    }
    double[] want = definition(xd, g);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], VALUE_TOLERANCE, "entry " + i);
    }
    assertTrue(transformer.spans().stream().anyMatch(TableTransformer.Span::tanh)
        && transformer.spans().stream().anyMatch(s -> !s.tanh()), "both kinds of span");
  }

  @Test
  void backwardWithConditionalCrossEntropyMatchesFiniteDifferences() {
    float[] x = uniform(ROWS * width, 2, 4);
    float[] g = uniform(ROWS * width, 1, 5);
    float[] upstream = uniform(ROWS * width, 1, 6);
    float[] cond = conditions();
    OutputActivation activation = new OutputActivation(transformer, TAU);
    INDArray logits = HostArrays.matrix(x, ROWS, width);
    INDArray act = activation.activate(logits, HostArrays.matrix(g, ROWS, width));
    double[] ce = new double[1];
    float[] grad = HostArrays.floats(activation.activationBackward(logits, act,
        HostArrays.matrix(upstream, ROWS, width),
        HostArrays.matrix(cond, ROWS, transformer.conditionWidth()), ce));
    double[] xd = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      xd[i] = x[i];
    }
    double h = 1e-5;
    for (int i = 0; i < xd.length; i++) {
      double keep = xd[i];
      xd[i] = keep + h;
      double up = loss(xd, g, upstream, cond);
      xd[i] = keep - h;
      double down = loss(xd, g, upstream, cond);
      xd[i] = keep;
      assertEquals((up - down) / (2 * h), grad[i], GRADIENT_TOLERANCE, "dL/dlogit " + i);
    }
    double[] a = definition(xd, g);
    double linear = 0;
    for (int i = 0; i < a.length; i++) {
      linear += a[i] * upstream[i];
    }
    assertEquals(loss(xd, g, upstream, cond) - linear, ce[0], VALUE_TOLERANCE,
        "the reported cross-entropy");
    assertTrue(ce[0] > 0, "conditioned rows contribute a cross-entropy");
  }
}
