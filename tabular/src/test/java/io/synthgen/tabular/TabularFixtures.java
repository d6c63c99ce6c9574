package io.synthgen.tabular;

import io.synthgen.model.config.Options;
import io.synthgen.tabular.gan.TabularGanConfig;
import io.synthgen.tabular.gan.TabularGanTensors;
import io.synthgen.tabular.gan.TabularGanTrainer;
import io.synthgen.tabular.gan.TabularSampler;
import io.synthgen.tabular.profile.ColumnProfile;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Tiny seeded tables and their profiles. */
public final class TabularFixtures {
  private TabularFixtures() {}

  /**
   * Rows of (amount: bimodal with 30% exact zeros and 5% nulls, kind: A 70% / B 25% / null 5%,
   * label: yes when kind is B). Numeric cells are Double, categorical String.
   */
  public static List<Object[]> table(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double u = rng.nextDouble();
      String kind = u < 0.70 ? "A" : u < 0.95 ? "B" : null;
      double a = rng.nextDouble();
      Double amount = a < 0.05 ? null : a < 0.35 ? 0.0
          : ("B".equals(kind) ? 100 + 5 * rng.nextGaussian() : 20 + 2 * rng.nextGaussian());
      rows.add(new Object[] {amount, kind, "B".equals(kind) ? "yes" : "no"});
    }
    return rows;
  }

  public static List<ColumnProfile> profiles(List<Object[]> rows) {
    List<Double> values = new ArrayList<>();
    long nullAmount = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    Map<String, Long> kinds = new LinkedHashMap<>();
    Map<String, Long> labels = new LinkedHashMap<>();
    long nullKind = 0;
    for (Object[] r : rows) {
      if (r[0] == null) {
        nullAmount++;
      } else {
        double v = (Double) r[0];
        values.add(v);
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      if (r[1] == null) {
        nullKind++;
      } else {
        kinds.merge((String) r[1], 1L, Long::sum);
      }
      labels.merge((String) r[2], 1L, Long::sum);
    }
    return List.of(
        ColumnProfile.numeric("amount", ValueType.DOUBLE, rows.size(), nullAmount, min, max, false,
            values.stream().mapToDouble(Double::doubleValue).toArray()),
        ColumnProfile.categorical("kind", ValueType.STRING, rows.size(), nullKind, kinds),
        ColumnProfile.categorical("label", ValueType.STRING, rows.size(), 0, labels));
  }

  public static TabularGanConfig smallConfig(String... assignments) {
    Options.Builder b = Options.builder(TabularGanConfig.SPECS);
    for (String a : assignments) {
      b.setAssignment(a, "test");
    }
    Options o = b
        .setAssignment("batch-size=100", "test")
        .setAssignment("embedding-dim=16", "test")
        .setAssignment("generator-dims=32,32", "test")
        .setAssignment("critic-dims=32,32", "test")
        .setAssignment("generator-lr=1e-3", "test")
        .setAssignment("critic-lr=1e-3", "test")
        .setAssignment("critic-steps=1", "test")
        .build();
    return TabularGanConfig.from(o);
  }

  /** A transformer fitted on {@code rows} with default options. */
  /** A fitted transformer, the training state after some rounds, and its sampler. */
  public record Trained(TableTransformer transformer, io.synthgen.model.train.TrainingState state,
      TabularSampler sampler) {}

  /**
   * Fits the transformer on {@code profiles}, encodes {@code rows} (seed {@code encodeSeed}),
   * and trains {@code rounds} rounds of 20 local steps on one worker from the initial state of
   * {@code stateSeed}.
   */
  public static Trained trained(List<Object[]> rows, List<ColumnProfile> profiles,
      TabularGanConfig config, long encodeSeed, long stateSeed, int rounds) {
    TableTransformer t = TableTransformer.fit(profiles, config.fitOptions);
    EncodedTable enc = t.encode(rows.iterator(), encodeSeed);
    io.synthgen.model.train.TrainingState state = trainRounds(new TabularGanTrainer(t, config),
        enc, stateSeed, rounds);
    return new Trained(t, state, samplerOf(t, config, state));
  }

  /**
   * {@code rounds} rounds of 20 local steps of {@code trainer} on one worker, from the initial
   * state of {@code stateSeed}.
   */
  public static io.synthgen.model.train.TrainingState trainRounds(TabularGanTrainer trainer,
      EncodedTable enc, long stateSeed, int rounds) {
    io.synthgen.model.train.TrainingState state = trainer.initialState(stateSeed);
    for (int round = 0; round < rounds; round++) {
      state = trainer.train(state, enc, 20, round);
    }
    return state;
  }

  /** A sampler of the generator in {@code state}. */
  public static TabularSampler samplerOf(TableTransformer t, TabularGanConfig config,
      io.synthgen.model.train.TrainingState state) {
    return new TabularSampler(t, config, state.tensor(TabularGanTensors.GENERATOR),
        state.tensor(TabularGanTensors.GENERATOR_BUFFERS));
  }

  public static TableTransformer fitted(List<Object[]> rows) {
    return TableTransformer.fit(profiles(rows), defaultConfig().fitOptions);
  }

  public static TabularGanConfig defaultConfig() {
    return TabularGanConfig.from(Options.builder(TabularGanConfig.SPECS).build());
  }

  /** Two-sample Kolmogorov-Smirnov statistic (ties handled as one step). */
  public static double ks(double[] a, double[] b) {
    double[] x = a.clone();
    double[] y = b.clone();
    Arrays.sort(x);
    Arrays.sort(y);
    double d = 0;
    int i = 0;
    int j = 0;
    while (i < x.length && j < y.length) {
      double v = Math.min(x[i], y[j]);
      while (i < x.length && x[i] == v) {
        i++;
      }
      while (j < y.length && y[j] == v) {
        j++;
      }
      d = Math.max(d, Math.abs(i / (double) x.length - j / (double) y.length));
    }
    return d;
  }

  /** Exact profiles (the whole column as the sample) of rows whose categorical columns are given. */
  public static List<ColumnProfile> profilesOf(List<Object[]> rows, String[] names,
      boolean[] categorical) {
    List<ColumnProfile> out = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      long nulls = 0;
      List<Double> values = new ArrayList<>();
      Map<String, Long> counts = new LinkedHashMap<>();
      for (Object[] r : rows) {
        if (r[i] == null) {
          nulls++;
        } else if (categorical[i]) {
          counts.merge((String) r[i], 1L, Long::sum);
        } else {
          values.add((Double) r[i]);
        }
      }
      double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
      out.add(categorical[i]
          ? ColumnProfile.categorical(names[i], ValueType.STRING, rows.size(), nulls, counts)
          : ColumnProfile.numeric(names[i], ValueType.DOUBLE, rows.size(), nulls,
              Arrays.stream(v).min().orElse(Double.NaN), Arrays.stream(v).max().orElse(Double.NaN),
              Arrays.stream(v).allMatch(d -> d == Math.rint(d)), v));
    }
    return out;
  }
}
