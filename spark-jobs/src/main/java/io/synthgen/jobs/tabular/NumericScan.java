package io.synthgen.jobs.tabular;

import io.synthgen.model.eval.Distributions;
import io.synthgen.model.eval.KsPartial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/** Per numeric column: KS statistic, histograms, decile edges of the real column. */
final class NumericScan {
  /** Quantile bins of numeric columns in mixed pairs: the deciles of the real column. */
  static final int QUANTILE_BINS = 10;

  double[] ks;
  long[][] realHist;
  long[][] synHist;
  double[][] edges;

  /** A numeric column's value, the sort key of the exact two-sample KS pass. */
  record ValueKey(int column, double value) implements Comparable<ValueKey>, Serializable {
    @Override
    public int compareTo(ValueKey o) {
      int c = Integer.compare(column, o.column);
      return c != 0 ? c : Double.compare(value, o.value);
    }
  }

  /** One partition's share of a numeric column's sorted values. */
  static final class ColumnScan implements Serializable {
    private static final long serialVersionUID = 1L;
    KsPartial ks = KsPartial.EMPTY;
  long real;
  long[] realHist;
  long[] synHist;
  }

  /**
   * Scans the numeric columns of both tables in one distributed sort: exact KS statistics,
   * histograms over the real range and the real columns' deciles.
   */
  static NumericScan of(TableEvaluation t, Dataset<Row> real, Dataset<Row> syn, TableProfile rp,
      TableProfile sp) {
    int nn = t.nNum();
    int bins = t.request().histogramBins();
    NumericScan out = new NumericScan();
    out.ks = new double[nn];
    out.realHist = new long[nn][bins];
    out.synHist = new long[nn][bins];
    out.edges = new double[nn][];
    if (nn == 0) {
      return out;
    }
    JavaPairRDD<ValueKey, long[]> sorted = cells(real, 0, nn).union(cells(syn, 1, nn))
        .reduceByKey((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]}).sortByKey().cache();
    try {
      long[] realTotals = rp.present.clone();
      long[] synTotals = sp.present.clone();
      double[] lo = rp.min.clone();
      double[] hi = rp.max.clone();
      List<Tuple2<Integer, Map<Integer, ColumnScan>>> parts = sorted.mapPartitionsWithIndex(
          (idx, it) -> {
            Map<Integer, ColumnScan> m = new HashMap<>();
            while (it.hasNext()) {
              Tuple2<ValueKey, long[]> e = it.next();
              int c = e._1().column();
              ColumnScan s = m.computeIfAbsent(c, k -> {
                ColumnScan n = new ColumnScan();
                n.realHist = new long[bins];
                n.synHist = new long[bins];
                return n;
              });
              long[] k = e._2();
              s.ks = s.ks.add(k[0], realTotals[c], k[1], synTotals[c]);
              s.real += k[0];
              int b = Distributions.equalWidthBin(e._1().value(), lo[c], hi[c], bins);
              s.realHist[b] += k[0];
              s.synHist[b] += k[1];
            }
            return Collections.singletonList(new Tuple2<>(idx, m)).iterator();
          }, true).collect();
      List<Tuple2<Integer, Map<Integer, ColumnScan>>> ordered = new ArrayList<>(parts);
      ordered.sort((a, b) -> Integer.compare(a._1(), b._1()));
      int np = ordered.size();
      long[][] offsets = new long[nn][np];
      for (int c = 0; c < nn; c++) {
        KsPartial ks = KsPartial.EMPTY;
        long cum = 0;
        for (int p = 0; p < np; p++) {
          offsets[c][p] = cum;
          ColumnScan s = ordered.get(p)._2().get(c);
          if (s != null) {
            ks = ks.then(s.ks);
            cum += s.real;
            for (int b = 0; b < bins; b++) {
              out.realHist[c][b] += s.realHist[b];
              out.synHist[c][b] += s.synHist[b];
            }
          }
        }
        out.ks[c] = realTotals[c] == 0 ? Double.NaN : synTotals[c] == 0 ? 1 : ks.statistic();
      }
      // second pass: the real values at the ranks numpy's decile interpolation reads
      long[][] ranks = new long[nn][];
      for (int c = 0; c < nn; c++) {
        TreeSet<Long> rs = new TreeSet<>();
        for (int q = 1; q < QUANTILE_BINS; q++) {
          for (long r : Distributions.quantileRanks(q / (double) QUANTILE_BINS, realTotals[c])) {
            rs.add(r);
          }
        }
        ranks[c] = realTotals[c] == 0 ? new long[0]
            : rs.stream().mapToLong(Long::longValue).toArray();
      }
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(t.spark().sparkContext());
      Broadcast<long[][]> off = sc.broadcast(offsets);
      Broadcast<long[][]> want = sc.broadcast(ranks);
      List<Tuple2<Tuple2<Integer, Long>, Double>> found = sorted.mapPartitionsWithIndex(
          (idx, it) -> {
            List<Tuple2<Tuple2<Integer, Long>, Double>> hits = new ArrayList<>();
            long[] cum = new long[nn];
            while (it.hasNext()) {
              Tuple2<ValueKey, long[]> e = it.next();
              int c = e._1().column();
              long first = off.value()[c][idx] + cum[c];
              long end = first + e._2()[0];
              for (long r : want.value()[c]) {
                if (r >= first && r < end) {
                  hits.add(new Tuple2<>(new Tuple2<>(c, r), e._1().value()));
                }
              }
              cum[c] += e._2()[0];
            }
            return hits.iterator();
          }, true).collect();
      Map<Tuple2<Integer, Long>, Double> at = new HashMap<>();
      found.forEach(f -> at.put(f._1(), f._2()));
      for (int c = 0; c < nn; c++) {
        TreeSet<Double> edges = new TreeSet<>();
        long n = realTotals[c];
        for (int q = 1; q < QUANTILE_BINS && n > 0; q++) {
          double qq = q / (double) QUANTILE_BINS;
          long[] r = Distributions.quantileRanks(qq, n);
          edges.add(Distributions.quantile(qq, n, at.get(new Tuple2<>(c, r[0])),
              at.get(new Tuple2<>(c, r[1]))));
        }
        out.edges[c] = edges.stream().mapToDouble(Double::doubleValue).toArray();
      }
      off.destroy();
      want.destroy();
    } finally {
      sorted.unpersist();
    }
    return out;
  }

  private static JavaPairRDD<ValueKey, long[]> cells(Dataset<Row> t, int source, int nn) {
    return t.javaRDD().flatMapToPair(row -> {
      List<Tuple2<ValueKey, long[]>> out = new ArrayList<>(nn);
      for (int c = 0; c < nn; c++) {
        if (!row.isNullAt(c)) {
          long[] k = new long[2];
          k[source] = 1;
          out.add(new Tuple2<>(new ValueKey(c, row.getDouble(c) + 0.0), k));
        }
      }
      return out.iterator();
    });
  }
}
