package io.synthgen.model.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/**
 * The accountant against published figures. Reference values are those of TensorFlow Privacy's
 * test suite ({@code rdp_accountant_test.py}, {@code compute_dp_sgd_privacy_test.py}), computed
 * there with the same formulas (Mironov, Talwar and Zhang 2019) and checked in that suite against
 * multi-precision numerical integration; and the moments-accountant figure of Abadi et al., "Deep
 * Learning with Differential Privacy" (CCS 2016, Section 3.1), which RDP accounting can only
 * tighten.
 */
class RdpAccountantTest {
  /** Tolerance on RDP values printed to 5-6 decimals in the reference. */
  private static final double PRINTED = 1e-5;

  private static double rdpAt(RdpAccountant a, double order) {
    double[] orders = a.orders();
    for (int i = 0; i < orders.length; i++) {
      if (orders[i] == order) {
        return a.rdp()[i];
      }
    }
    throw new AssertionError("order " + order + " not on the grid");
  }

  @Test
  void theUnsampledGaussianHasRdpOrderOverTwiceSigmaSquared() {
    // rdp_accountant_test: compute_rdp(q=1, noise_multiplier=10, steps=1, orders=20) == 0.1
    assertEquals(0.1, RdpAccountant.sampledGaussianRdp(1, 10, 20), 1e-12);
  }

  @Test
  void aZeroSamplingRateSpendsNothing() {
    assertEquals(0, RdpAccountant.sampledGaussianRdp(0, 10, 20));
    assertTrue(RdpAccountant.empty().withSampledGaussian(0, 1, 1000).isEmpty());
  }

  @Test
  void integerOrdersMatchThePublishedBinomialSum() {
    // compute_rdp(q=0.1, noise_multiplier=2, steps=10, orders=5) == 0.07737 (5 places)
    assertEquals(0.07737, 10 * RdpAccountant.sampledGaussianRdp(0.1, 2, 5), PRINTED);
  }

  @Test
  void fractionalAndIntegerOrdersMatchThePublishedSequence() {
    // compute_rdp(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100]) ==
    //   [0.00065, 0.001085, 0.00218075, 0.023846, 167.416307] (delta 1e-5)
    double[] orders = {1.5, 2.5, 5, 50, 100};
    double[] expected = {0.00065, 0.001085, 0.00218075, 0.023846, 167.416307};
    for (int i = 0; i < orders.length; i++) {
      assertEquals(expected[i], 50 * RdpAccountant.sampledGaussianRdp(0.01, 2.5, orders[i]),
          PRINTED, "order " + orders[i]);
    }
  }

  @Test
  void dpSgdEpsilonMatchesPublishedSettings() {
    // compute_dp_sgd_privacy(n, batch, noise, epochs, delta) -> (eps, order), Poisson sampling:
    // (60000, 150, 1.3, 15, 1e-5) -> (0.7242234026109595, 19); (100000, 100, 1.0, 30, 1e-7) ->
    // (1.4154988495444842, 13)
    RdpAccountant.Spent a = dpSgd(60000, 150, 1.3, 15).epsilon(1e-5);
    assertEquals(0.7242234026109595, a.epsilon(), 1e-6);
    assertEquals(19, a.order());
    RdpAccountant.Spent b = dpSgd(100000, 100, 1.0, 30).epsilon(1e-7);
    assertEquals(1.4154988495444842, b.epsilon(), 1e-6);
    assertEquals(13, b.order());
  }

  private static RdpAccountant dpSgd(int n, int batch, double noise, int epochs) {
    double q = (double) batch / n;
    long steps = (long) Math.ceil(epochs * (double) n / batch);
    return RdpAccountant.empty().withSampledGaussian(q, noise, steps);
  }

  @Test
  void rdpAccountingIsNoLooserThanAbadisMomentsAccountant() {
    // Abadi et al. 2016, Section 3.1: q = 0.01, sigma = 4, delta = 1e-5, T = 10000 steps gives
    // epsilon ~ 1.26 with the moments accountant; RDP of the same mechanism is at most that.
    double eps = RdpAccountant.empty().withSampledGaussian(0.01, 4, 10_000).epsilon(1e-5)
        .epsilon();
    assertTrue(eps <= 1.26 && eps > 0.8, "epsilon " + eps);
  }

  @Test
  void aGaussianCalibratedForOneEpsilonSpendsExactlyIt() {
    // rdp_accountant_test: noise multiplier 4.530877117 gives exactly (1, 1e-6)-DP on a fine
    // grid of orders; on the coarser default grid epsilon is at most 1% above 1.
    double eps = RdpAccountant.empty().withGaussian(4.530877117, 1).epsilon(1e-6).epsilon();
    assertTrue(eps >= 1 - 1e-6 && eps < 1.01, "epsilon " + eps);
    double z = RdpAccountant.gaussianNoiseFor(eps, 1e-6, 1);
    assertEquals(4.530877117, z, 1e-4);
  }

  @Test
  void theEpsilonDeltaConversionRunsBothWays() {
    for (double q : new double[] {0.01, 0.1, 0.8, 1}) {
      for (double sigma : new double[] {0.5, 1, 3, 10}) {
        RdpAccountant a = RdpAccountant.empty().withSampledGaussian(q, sigma, 7);
        for (double delta : new double[] {0.1, 1e-3, 1e-5, 1e-9}) {
          RdpAccountant.Spent e = a.epsilon(delta);
          if (e.epsilon() == 0) {
            continue;
          }
          RdpAccountant.Spent back = a.delta(e.epsilon());
          assertEquals(delta, back.delta(), delta * 1e-6,
              "q " + q + " sigma " + sigma + " delta " + delta);
          assertEquals(e.order(), back.order());
        }
      }
    }
  }

  @Test
  void compositionAddsRdpAndGrowsEpsilon() {
    RdpAccountant one = RdpAccountant.empty().withSampledGaussian(0.02, 1.1, 500);
    RdpAccountant two = one.with(RdpAccountant.empty().withSampledGaussian(0.02, 1.1, 500));
    RdpAccountant direct = RdpAccountant.empty().withSampledGaussian(0.02, 1.1, 1000);
    assertEquals(rdpAt(direct, 7), rdpAt(two, 7), 1e-12);
    assertTrue(two.epsilon(1e-5).epsilon() > one.epsilon(1e-5).epsilon());
    // a Gaussian composed k times is one Gaussian with noise sigma / sqrt(k)
    assertEquals(rdpAt(RdpAccountant.empty().withGaussian(2 / Math.sqrt(4), 1), 3),
        rdpAt(RdpAccountant.empty().withGaussian(2, 4), 3), 1e-12);
  }

  @Test
  void subsamplingAmplifiesPrivacy() {
    double full = RdpAccountant.empty().withGaussian(1, 100).epsilon(1e-5).epsilon();
    double sampled = RdpAccountant.empty().withSampledGaussian(0.01, 1, 100).epsilon(1e-5)
        .epsilon();
    assertTrue(sampled < full / 10, sampled + " vs " + full);
  }

  @Test
  void theTailOfErfcJoinsTheDirectValue() {
    for (double x : new double[] {0.5, 3, 10, 19.9}) {
      assertEquals(Math.log(Erf.erfc(x)), RdpAccountant.logErfc(x), 1e-9 * Math.max(1, x * x));
    }
    // beyond double range of erfc the asymptotic series keeps decreasing smoothly
    assertTrue(RdpAccountant.logErfc(40) < RdpAccountant.logErfc(30));
    assertEquals(-1600 - Math.log(40) - 0.5 * Math.log(Math.PI), RdpAccountant.logErfc(40),
        1e-3);
  }

  @Test
  void invalidArgumentsAreRefusedWithTheBadValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RdpAccountant.empty().withSampledGaussian(1.5, 1, 1));
    assertTrue(e.getMessage().contains("1.5"));
    assertThrows(IllegalArgumentException.class,
        () -> RdpAccountant.empty().withSampledGaussian(0.1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> RdpAccountant.empty().epsilon(0));
  }

  @Test
  void sampledGaussianNoiseForSpendsExactlyTheRestOfTheBudget() {
    RdpAccountant base = RdpAccountant.empty().withGaussian(10, 1);
    double z = RdpAccountant.sampledGaussianNoiseFor(3, 1e-5, base, 0.05, 1000);
    assertEquals(3, base.withSampledGaussian(0.05, z, 1000).epsilon(1e-5).epsilon(), 1e-4);
    assertTrue(base.withSampledGaussian(0.05, z * 0.99, 1000).epsilon(1e-5).epsilon() > 3);
    // TF Privacy's DP-SGD figure the other way round: 60,000 rows, batch 150, 15 epochs at
    // epsilon 0.72422 need noise 1.3
    assertEquals(1.3, RdpAccountant.sampledGaussianNoiseFor(0.7242234026109595, 1e-5,
        RdpAccountant.empty(), 150.0 / 60000, 15 * 400), 1e-3);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> RdpAccountant.sampledGaussianNoiseFor(0.01, 1e-5, base, 0.05, 10));
  }
}
