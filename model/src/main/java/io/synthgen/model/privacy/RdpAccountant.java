package io.synthgen.model.privacy;

import java.util.Arrays;
import org.apache.commons.math3.special.Erf;

/**
 * Rényi differential privacy (Mironov, "Rényi Differential Privacy", CSF 2017) of a sequence of
 * Gaussian mechanisms, each optionally applied to a Poisson subsample of the rows, composed by
 * adding their RDP curves over a grid of orders and converted to {@code (epsilon, delta)}.
 *
 * <p>The RDP of the sampled Gaussian mechanism (each row in the sample independently with
 * probability {@code q}, a sum of per-row contributions of L2 norm at most {@code C}, Gaussian
 * noise of standard deviation {@code noiseMultiplier * C}) is computed exactly as in Mironov,
 * Talwar and Zhang, "Rényi Differential Privacy of the Sampled Gaussian Mechanism" (2019): the
 * binomial sum of their Section 3.2 for integer orders, the two erfc series of Section 3.3 for
 * fractional ones. Neighbouring tables differ by adding or removing one row. The conversion to
 * {@code (epsilon, delta)} is the one of Canonne, Kamath and Steinke ("The Discrete Gaussian for
 * Differential Privacy", 2020, Proposition 12; also Balle et al. 2020), minimized over the orders.
 *
 * <p>Instances are immutable; {@code with...} returns the composition.
 */
public final class RdpAccountant {
  /**
   * The orders the RDP curve is kept at: those of TensorFlow Privacy's
   * {@code compute_dp_sgd_privacy}, so published figures computed with it compare exactly.
   */
  static final double[] DEFAULT_ORDERS = defaultOrders();

  private final double[] orders;
  private final double[] rdp;

  private RdpAccountant(double[] orders, double[] rdp) {
    this.orders = orders;
    this.rdp = rdp;
  }

  /** An accountant that has spent nothing, on the default orders. */
  public static RdpAccountant empty() {
    return new RdpAccountant(DEFAULT_ORDERS, new double[DEFAULT_ORDERS.length]);
  }

  private static double[] defaultOrders() {
    double[] small = {1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5};
    double[] o = new double[small.length + 59 + 3];
    System.arraycopy(small, 0, o, 0, small.length);
    for (int i = 0; i < 59; i++) {
      o[small.length + i] = 5 + i;
    }
    o[o.length - 3] = 128;
    o[o.length - 2] = 256;
    o[o.length - 1] = 512;
    return o;
  }

  /**
   * This accountant composed with {@code steps} runs of the Gaussian mechanism on a Poisson
   * sample of rate {@code q} with noise {@code noiseMultiplier} times the L2 sensitivity.
   */
  public RdpAccountant withSampledGaussian(double q, double noiseMultiplier, long steps) {
    check(q >= 0 && q <= 1, "sampling rate " + q + " is outside [0, 1]");
    check(noiseMultiplier > 0, "noise multiplier " + noiseMultiplier + " is not positive");
    check(steps >= 0, "step count " + steps + " is negative");
    double[] r = rdp.clone();
    for (int i = 0; i < orders.length; i++) {
      r[i] += steps * sampledGaussianRdp(q, noiseMultiplier, orders[i]);
    }
    return new RdpAccountant(orders, r);
  }

  /** This accountant composed with {@code count} Gaussian mechanisms on all rows. */
  public RdpAccountant withGaussian(double noiseMultiplier, long count) {
    return withSampledGaussian(1, noiseMultiplier, count);
  }

  /** This accountant composed with everything {@code other} has spent (same orders). */
  public RdpAccountant with(RdpAccountant other) {
    check(Arrays.equals(orders, other.orders), "accountants on different orders");
    double[] r = rdp.clone();
    for (int i = 0; i < r.length; i++) {
      r[i] += other.rdp[i];
    }
    return new RdpAccountant(orders, r);
  }

  /** Whether nothing has been spent. */
  public boolean isEmpty() {
    return Arrays.stream(rdp).allMatch(v -> v == 0);
  }

  /** The RDP at each order (a copy), in the order of {@link #orders()}. */
  public double[] rdp() {
    return rdp.clone();
  }

  /** The orders the curve is kept at (a copy). */
  public double[] orders() {
    return orders.clone();
  }

  /**
   * The smallest {@code epsilon} over the orders such that the composition is
   * {@code (epsilon, delta)}-DP, with the order that gives it.
   */
  public Spent epsilon(double delta) {
    check(delta > 0 && delta < 1, "delta " + delta + " is outside (0, 1)");
    double best = Double.POSITIVE_INFINITY;
    double at = Double.NaN;
    for (int i = 0; i < orders.length; i++) {
      double e = epsilonAt(orders[i], rdp[i], delta);
      if (e < best) {
        best = e;
        at = orders[i];
      }
    }
    return new Spent(Math.max(0, best), delta, at);
  }

  /** The smallest {@code delta} over the orders such that the composition is (eps, delta)-DP. */
  public Spent delta(double epsilon) {
    check(epsilon >= 0, "epsilon " + epsilon + " is negative");
    double at = Double.NaN;
    double bestLog = Double.POSITIVE_INFINITY;
    for (int i = 0; i < orders.length; i++) {
      double a = orders[i];
      double r = rdp[i];
      // delta <= sqrt(1 - exp(-KL)) bounds every order; the RDP bound holds above 1.01
      double logDelta = r <= 0 ? Double.NEGATIVE_INFINITY : 0.5 * Math.log(-Math.expm1(-r));
      if (a > 1.01) {
        logDelta = Math.min(logDelta,
            (a - 1) * (r - epsilon + Math.log1p(-1 / a)) - Math.log(a));
      }
      if (logDelta < bestLog) {
        bestLog = logDelta;
        at = a;
      }
    }
    return new Spent(epsilon, Math.min(1, Math.exp(bestLog)), at);
  }

  private static double epsilonAt(double a, double r, double delta) {
    if (delta * delta + Math.expm1(-r) >= 0) {
      return 0; // the KL bound alone gives delta
    }
    if (a <= 1.01) {
      return Double.POSITIVE_INFINITY; // the bound is unstable as the order nears 1
    }
    return r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
  }

  /**
   * The noise multiplier for which {@code count} Gaussian mechanisms on all rows spend exactly
   * {@code epsilon} at {@code delta} (bisection on the accountant, to a relative 1e-6).
   */
  public static double gaussianNoiseFor(double epsilon, double delta, long count) {
    check(epsilon > 0, "epsilon " + epsilon + " is not positive");
    check(count > 0, "mechanism count " + count + " is not positive");
    double lo = 1e-3;
    double hi = 1;
    while (empty().withGaussian(hi, count).epsilon(delta).epsilon() > epsilon) {
      hi *= 2;
      check(hi < 1e9, "no noise multiplier spends epsilon " + epsilon);
    }
    while (hi - lo > 1e-6 * hi) {
      double mid = 0.5 * (lo + hi);
      if (empty().withGaussian(mid, count).epsilon(delta).epsilon() > epsilon) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  /**
   * The noise multiplier for which {@code steps} runs of the sampled Gaussian mechanism with
   * rate {@code q}, composed with what {@code base} already spends, spend exactly {@code epsilon}
   * at {@code delta} (DP-SGD calibrated to a budget; bisection to a relative 1e-6). Fails when
   * {@code base} alone spends {@code epsilon}.
   */
  public static double sampledGaussianNoiseFor(double epsilon, double delta, RdpAccountant base,
      double q, long steps) {
    check(epsilon > 0, "epsilon " + epsilon + " is not positive");
    check(steps > 0, "step count " + steps + " is not positive");
    check(base.epsilon(delta).epsilon() < epsilon, "the other mechanisms alone spend epsilon "
        + base.epsilon(delta).epsilon() + ", the whole budget of " + epsilon);
    double lo = 1e-2;
    double hi = 1;
    while (base.withSampledGaussian(q, hi, steps).epsilon(delta).epsilon() > epsilon) {
      hi *= 2;
      check(hi < 1e6, "no noise multiplier spends epsilon " + epsilon);
    }
    while (hi - lo > 1e-6 * hi) {
      double mid = 0.5 * (lo + hi);
      if (base.withSampledGaussian(q, mid, steps).epsilon(delta).epsilon() > epsilon) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  /**
   * RDP at {@code order} of one run of the sampled Gaussian mechanism (Mironov, Talwar and Zhang
   * 2019): {@code log(A_order) / (order - 1)}.
   */
  static double sampledGaussianRdp(double q, double sigma, double order) {
    if (q == 0) {
      return 0;
    }
    if (Double.isInfinite(order)) {
      return Double.POSITIVE_INFINITY;
    }
    if (q == 1) {
      return order / (2 * sigma * sigma);
    }
    double logA = order == Math.rint(order) ? logAInteger(q, sigma, (long) order)
        : logAFractional(q, sigma, order);
    return logA / (order - 1);
  }

  /** Section 3.2: {@code A = sum_k C(a,k) (1-q)^(a-k) q^k exp((k^2 - k) / (2 sigma^2))}. */
  private static double logAInteger(double q, double sigma, long a) {
    double log = Double.NEGATIVE_INFINITY;
    double logBinom = 0;
    for (long k = 0; k <= a; k++) {
      if (k > 0) {
        logBinom += Math.log((double) (a - k + 1) / k);
      }
      double term = logBinom + k * Math.log(q) + (a - k) * Math.log1p(-q)
          + (k * k - k) / (2 * sigma * sigma);
      log = logAdd(log, term);
    }
    return log;
  }

  /**
   * Section 3.3: for a fractional order, A is the sum of two series over k of
   * {@code C(a,k)}-weighted terms, each with the Gaussian tail beyond
   * {@code z0 = sigma^2 log(1/q - 1) + 1/2}; summed until both terms fall below e^-30.
   */
  private static double logAFractional(double q, double sigma, double a) {
    double log0 = Double.NEGATIVE_INFINITY;
    double log1 = Double.NEGATIVE_INFINITY;
    double z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
    double logBinom = 0;
    boolean positive = true;
    double sqrt2Sigma = Math.sqrt(2) * sigma;
    for (int i = 0; ; i++) {
      if (i > 0) {
        double factor = (a - i + 1) / i;
        logBinom += Math.log(Math.abs(factor));
        positive = positive == (factor > 0);
      }
      double j = a - i;
      double t0 = logBinom + i * Math.log(q) + j * Math.log1p(-q);
      double t1 = logBinom + j * Math.log(q) + i * Math.log1p(-q);
      double e0 = Math.log(0.5) + logErfc((i - z0) / sqrt2Sigma);
      double e1 = Math.log(0.5) + logErfc((z0 - j) / sqrt2Sigma);
      double s0 = t0 + (i * (double) i - i) / (2 * sigma * sigma) + e0;
      double s1 = t1 + (j * j - j) / (2 * sigma * sigma) + e1;
      if (positive) {
        log0 = logAdd(log0, s0);
        log1 = logAdd(log1, s1);
      } else {
        log0 = logSub(log0, s0);
        log1 = logSub(log1, s1);
      }
      if (Math.max(s0, s1) < -30 || i > 100_000) {
        break;
      }
    }
    return logAdd(log0, log1);
  }

  /** {@code log(erfc(x))}, with the asymptotic series where erfc underflows. */
  static double logErfc(double x) {
    if (x < 20) {
      return Math.log(Erf.erfc(x));
    }
    double r = 1 / (2 * x * x);
    return -x * x - Math.log(x) - 0.5 * Math.log(Math.PI)
        + Math.log1p(-r + 3 * r * r - 15 * r * r * r + 105 * r * r * r * r);
  }

  private static double logAdd(double a, double b) {
    double hi = Math.max(a, b);
    double lo = Math.min(a, b);
    if (hi == Double.NEGATIVE_INFINITY) {
      return hi;
    }
    return hi + Math.log1p(Math.exp(lo - hi));
  }

  /** {@code log(exp(a) - exp(b))} for {@code a >= b}; the series' partial sums stay positive. */
  private static double logSub(double a, double b) {
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    if (a <= b) {
      return Double.NEGATIVE_INFINITY; // rounding of a vanishing difference
    }
    return a + Math.log(-Math.expm1(b - a));
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * A privacy guarantee: the composition is {@code (epsilon, delta)}-DP, tightest at
   * {@code order}.
   */
  public record Spent(double epsilon, double delta, double order) { }
}
