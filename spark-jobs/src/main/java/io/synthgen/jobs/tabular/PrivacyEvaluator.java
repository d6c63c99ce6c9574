package io.synthgen.jobs.tabular;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.jobs.io.TableReader;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.eval.Distributions;
import io.synthgen.model.eval.RecordDistance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Privacy of generated rows: exact copies of real rows and the distance to the closest real
 * record (DCR), compared with real rows the model did not see. The attacks that complete the
 * section are {@link PrivacyAttacks}'.
 */
final class PrivacyEvaluator {
  private PrivacyEvaluator() {}

  /**
   * Exact copies of real rows (all synthetic rows, a null-safe semi-join), with the holdout's
   * baseline; and the distance to the closest real record of sampled synthetic and holdout rows.
   * Returns the section, which {@link PrivacyAttacks} completes.
   */
  static ObjectNode evaluate(TableEvaluation t, Dataset<Row> real, Dataset<Row> syn,
      Dataset<Row> holdout, TableProfile rp, long synRows, Long holdoutRows) {
    List<String> categorical = t.categorical();
    ObjectNode p = ModelBundle.json().createObjectNode();
    p.put("distance", "mean over columns of |a - b| / (max - min of the real column) (numeric; "
        + "1 if one is missing) and 0/1 mismatch (categorical, label included)");
    Dataset<Row> realDistinct = real.distinct();
    long copies = semiJoinCount(syn, realDistinct);
    p.put("exact_copies", copies);
    EvaluationReport.put(p, "exact_copy_share", copies / (double) synRows);
    t.report().metric("exact_copies", copies);
    t.report().metric("exact_copy_share", copies / (double) synRows);
    if (holdout != null) {
      double baseline = semiJoinCount(holdout, realDistinct) / (double) holdoutRows;
      double inHoldout = semiJoinCount(syn, holdout.distinct()) / (double) synRows;
      EvaluationReport.put(p, "exact_copy_share_holdout_baseline", baseline);
      EvaluationReport.put(p, "synthetic_rows_found_in_holdout", inHoldout);
      p.put("ml_leak_warning", inHoldout > 0.05 && inHoldout > 2 * baseline);
    }
    // distance to closest real record: a seeded sample of synthetic (and holdout) rows against
    // every real row
    int nn = t.nNum();
    List<Row> synSample = syn.javaRDD().takeSample(false, t.request().dcrSample(),
        Seeds.derive(t.request().seed(), Seeds.SAMPLE, 1));
    List<Row> holdSample = holdout == null ? List.of() : holdout.javaRDD().takeSample(false,
        t.request().dcrSample(), Seeds.derive(t.request().seed(), Seeds.SAMPLE, 2));
    List<Row> queries = new ArrayList<>(synSample);
    queries.addAll(holdSample);
    double[][] qNum = new double[queries.size()][];
    String[][] qCat = new String[queries.size()][];
    for (int q = 0; q < queries.size(); q++) {
      qNum[q] = ConformedTable.numbers(queries.get(q), nn);
      qCat[q] = ConformedTable.categories(queries.get(q), nn, categorical.size());
    }
    RecordDistance metric = new RecordDistance(rp.min, rp.max, categorical.size());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(t.spark().sparkContext());
    Broadcast<double[][]> bNum = sc.broadcast(qNum);
    Broadcast<String[][]> bCat = sc.broadcast(qCat);
    int nc = categorical.size();
    double[] dist = real.javaRDD().treeAggregate(new RecordDistance.Nearest(queries.size()),
        (acc, row) -> acc.offer(metric, bNum.value(), bCat.value(), ConformedTable.numbers(row, nn),
            ConformedTable.categories(row, nn, nc)), RecordDistance.Nearest::merge).distances();
    bNum.destroy();
    bCat.destroy();
    double[] ds = Arrays.copyOfRange(dist, 0, synSample.size());
    double[] dh = Arrays.copyOfRange(dist, synSample.size(), dist.length);
    Arrays.sort(ds);
    Arrays.sort(dh);
    p.put("n_synthetic_sampled", ds.length);
    p.put("n_holdout_sampled", dh.length);
    double medS = Distributions.percentile(ds, 50);
    double medH = Distributions.percentile(dh, 50);
    EvaluationReport.put(p, "dcr_synthetic_median", medS);
    EvaluationReport.put(p, "dcr_synthetic_p05", Distributions.percentile(ds, 5));
    EvaluationReport.put(p, "share_dcr_zero_synthetic", shareBelow(ds, 1e-9, true));
    t.report().metric("dcr_synthetic_median", medS);
    double threshold = t.request().dcrThreshold() != null ? t.request().dcrThreshold()
        : dh.length > 0 ? Distributions.percentile(dh, 1) : 0;
    p.put("threshold_source", t.request().dcrThreshold() != null ? "--dcr-threshold"
        : dh.length > 0 ? "1st percentile of the holdout rows' distances" : "0 (no holdout)");
    EvaluationReport.put(p, "threshold", threshold);
    double flagged = shareBelow(ds, threshold, threshold == 0);
    p.put("flagged_rows_in_sample", Math.round(flagged * ds.length));
    EvaluationReport.put(p, "flagged_share", flagged);
    t.report().metric("dcr_flagged_share", flagged);
    if (dh.length > 0) {
      EvaluationReport.put(p, "dcr_holdout_median", medH);
      EvaluationReport.put(p, "dcr_holdout_p05", Distributions.percentile(dh, 5));
      EvaluationReport.put(p, "share_dcr_zero_holdout", shareBelow(dh, 1e-9, true));
      EvaluationReport.put(p, "dcr_ratio_synthetic_over_holdout", medH > 0 ? medS / medH
          : Double.NaN);
      EvaluationReport.put(p, "share_synthetic_closer_than_holdout_median",
          shareBelow(ds, medH, false));
      t.report().metric("dcr_holdout_median", medH);
      t.report().metric("dcr_ratio", medH > 0 ? medS / medH : Double.NaN);
    }
    ObjectNode h = p.putObject("dcr_histogram");
    double top = Math.max(ds.length == 0 ? 0 : ds[ds.length - 1],
        dh.length == 0 ? 0 : dh[dh.length - 1]);
    h.set("max", EvaluationReport.number(top));
    h.set("synthetic", histogram(ds, top, 30));
    h.set("holdout", histogram(dh, top, 30));
    t.report().section("privacy", p);
    return p;
  }

  private static long semiJoinCount(Dataset<Row> left, Dataset<Row> right) {
    Dataset<Row> l = left.as("l");
    Dataset<Row> r = right.as("r");
    Column cond = lit(true);
    for (String c : left.columns()) {
      cond = cond.and(col("l." + TableReader.quote(c)).eqNullSafe(col("r."
          + TableReader.quote(c))));
    }
    return l.join(r, cond, "left_semi").count();
  }

  private static ArrayNode histogram(double[] sorted, double top, int bins) {
    long[] h = new long[bins];
    for (double d : sorted) {
      h[Distributions.equalWidthBin(d, 0, top, bins)]++;
    }
    ArrayNode a = ModelBundle.json().createArrayNode();
    for (long x : h) {
      a.add(x);
    }
    return a;
  }

  private static double shareBelow(double[] sorted, double t, boolean inclusive) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    long k = Arrays.stream(sorted).filter(d -> inclusive ? d <= t : d < t).count();
    return k / (double) sorted.length;
  }
}
