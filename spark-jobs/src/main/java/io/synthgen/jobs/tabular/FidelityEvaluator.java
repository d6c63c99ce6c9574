package io.synthgen.jobs.tabular;

import static io.synthgen.jobs.tabular.ConformedTable.MISSING;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.eval.CoMoments;
import io.synthgen.model.eval.Distributions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Fidelity of a synthetic table to the real one: column shapes and column pair trends, as
 * SDMetrics and {@code shared/eval/tabular_eval.py} define them, on all rows.
 */
final class FidelityEvaluator {
  private FidelityEvaluator() {}

  /** Column shapes: 1 - KS (numeric) and 1 - TVD (categorical) per column, and histograms. */
  static void columnShapes(TableEvaluation t, TableProfile rp, TableProfile sp, NumericScan scan) {
    List<String> numeric = t.numeric();
    List<String> categorical = t.categorical();
    int nNum = t.nNum();
    ObjectNode shapes = ModelBundle.json().createObjectNode();
    ObjectNode per = ModelBundle.json().createObjectNode();
    ObjectNode hist = ModelBundle.json().createObjectNode();
    double numSum = 0;
    int numN = 0;
    double catSum = 0;
    int catN = 0;
    for (int c = 0; c < nNum; c++) {
      if (rp.present[c] == 0) {
        continue;
      }
      double s = 1 - scan.ks[c];
      EvaluationReport.put(per, numeric.get(c), s);
      numSum += s;
      numN++;
      ObjectNode h = hist.putObject(numeric.get(c));
      h.put("kind", "numeric");
      h.set("min", EvaluationReport.number(rp.min[c]));
      h.set("max", EvaluationReport.number(rp.max[c]));
      h.put("real_missing", rp.missing(c));
      h.put("synthetic_missing", sp.missing(c));
      ArrayNode r = h.putArray("real");
      ArrayNode y = h.putArray("synthetic");
      for (int b = 0; b < scan.realHist[c].length; b++) {
        r.add(scan.realHist[c][b]);
        y.add(scan.synHist[c][b]);
      }
    }
    for (int j = 0; j < categorical.size(); j++) {
      Map<String, Long> a = rp.categories.get(j);
      Map<String, Long> b = sp.categories.get(j);
      double s = 1 - Distributions.totalVariation(a, b);
      EvaluationReport.put(per, categorical.get(j), s);
      catSum += s;
      catN++;
      ObjectNode h = hist.putObject(categorical.get(j));
      h.put("kind", "categorical");
      TreeSet<String> union = new TreeSet<>(a.keySet());
      union.addAll(b.keySet());
      List<String> keys = new ArrayList<>(union);
      keys.sort((x, z) -> Long.compare(a.getOrDefault(z, 0L) + b.getOrDefault(z, 0L),
          a.getOrDefault(x, 0L) + b.getOrDefault(x, 0L)));
      int shown = Math.min(keys.size(), 20);
      ArrayNode names = h.putArray("categories");
      ArrayNode r = h.putArray("real");
      ArrayNode y = h.putArray("synthetic");
      for (int i = 0; i < shown; i++) {
        String k = keys.get(i);
        names.add(MISSING.equals(k) ? "(missing)" : k);
        r.add(a.getOrDefault(k, 0L));
        y.add(b.getOrDefault(k, 0L));
      }
      h.put("other_categories", keys.size() - shown);
    }
    double all = (numN + catN) == 0 ? Double.NaN : (numSum + catSum) / (numN + catN);
    EvaluationReport.put(shapes, "score", all);
    EvaluationReport.put(shapes, "numeric_mean", numN == 0 ? Double.NaN : numSum / numN);
    EvaluationReport.put(shapes, "categorical_mean", catN == 0 ? Double.NaN : catSum / catN);
    shapes.put("definition", "mean over columns of 1 - KS statistic (numeric, present values) "
        + "and 1 - total variation distance (categorical, missing as a category); synthetic vs "
        + "real, all rows");
    shapes.set("per_column", per);
    t.report().section("column_shapes", shapes);
    t.report().section("histograms", hist);
    t.report().metric("column_shapes", all);
  }

  /**
   * Column pair trends: Pearson correlation differences for numeric pairs, contingency-table
   * TVD for categorical and mixed pairs; and the correlation matrices for the heatmaps.
   */
  static void pairTrends(TableEvaluation t, Dataset<Row> real, Dataset<Row> syn,
      NumericScan scan) {
    List<String> numeric = t.numeric();
    List<String> categorical = t.categorical();
    int nn = t.nNum();
    List<String> cols = ConformedTable.concat(numeric, categorical);
    int n = cols.size();
    CoMoments rc = moments(real, nn);
    CoMoments sc = moments(syn, nn);
    // categorical and mixed pairs: joint cell counts of (code, code) per pair, real and synthetic
    List<int[]> tablePairs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (i >= nn || j >= nn) {
          tablePairs.add(new int[] {i, j});
        }
      }
    }
    double[][] edges = scan.edges;
    int[][] tp = tablePairs.toArray(new int[0][]);
    Map<Tuple2<Integer, String>, long[]> cells = contingency(real, 0, tp, edges, nn)
        .union(contingency(syn, 1, tp, edges, nn))
        .reduceByKey((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]}).collectAsMap();
    List<Map<String, Long>> realCells = new ArrayList<>();
    List<Map<String, Long>> synCells = new ArrayList<>();
    for (int p = 0; p < tp.length; p++) {
      realCells.add(new HashMap<>());
      synCells.add(new HashMap<>());
    }
    cells.forEach((k, v) -> {
      realCells.get(k._1()).put(k._2(), v[0]);
      synCells.get(k._1()).put(k._2(), v[1]);
    });
    Map<String, double[]> byKind = new LinkedHashMap<>();
    byKind.put("numeric", new double[2]);
    byKind.put("categorical", new double[2]);
    byKind.put("mixed", new double[2]);
    List<ObjectNode> perPair = new ArrayList<>();
    int tableIdx = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        String kind;
        double score;
        ObjectNode o = ModelBundle.json().createObjectNode();
        if (i < nn && j < nn) {
          kind = "numeric";
          double r = rc.correlation(i, j);
          double s = sc.correlation(i, j);
          if (Double.isNaN(r)) {
            continue;
          }
          s = Double.isNaN(s) ? 0 : s;
          score = 1 - Math.abs(r - s) / 2;
          EvaluationReport.put(o, "real_correlation", r);
          EvaluationReport.put(o, "synthetic_correlation", s);
        } else {
          kind = i < nn || j < nn ? "mixed" : "categorical";
          score = 1 - Distributions.totalVariation(realCells.get(tableIdx),
              synCells.get(tableIdx));
          tableIdx++;
        }
        o.put("pair", cols.get(i) + "|" + cols.get(j));
        o.put("kind", kind);
        EvaluationReport.put(o, "score", score);
        o.put("value", score);
        perPair.add(o);
        byKind.get(kind)[0] += score;
        byKind.get(kind)[1]++;
      }
    }
    perPair.sort((a, b) -> Double.compare(a.get("value").asDouble(), b.get("value").asDouble()));
    double sum = 0;
    int cnt = 0;
    ObjectNode out = ModelBundle.json().createObjectNode();
    ObjectNode kinds = out.putObject("by_type");
    ObjectNode counts = out.putObject("n_by_type");
    for (Map.Entry<String, double[]> e : byKind.entrySet()) {
      double[] v = e.getValue();
      EvaluationReport.put(kinds, e.getKey(), v[1] == 0 ? Double.NaN : v[0] / v[1]);
      counts.put(e.getKey(), (long) v[1]);
      sum += v[0];
      cnt += (int) v[1];
      t.report().metric("column_pair_trends_" + e.getKey(), v[1] == 0 ? Double.NaN : v[0] / v[1]);
    }
    double score = cnt == 0 ? Double.NaN : sum / cnt;
    EvaluationReport.put(out, "score", score);
    out.put("n_pairs", cnt);
    out.put("definition", "mean over column pairs: numeric 1 - |r_real - r_synthetic| / 2 "
        + "(Pearson, pairwise complete); categorical and mixed 1 - total variation distance of "
        + "the 2-D contingency tables, numerics cut at the real column's deciles (missing = own "
        + "bin); all pairs, all rows");
    ArrayNode pairs = out.putArray("per_pair");
    perPair.forEach(o -> {
      o.remove("value");
      pairs.add(o);
    });
    t.report().section("column_pair_trends", out);
    t.report().metric("column_pair_trends", score);
    // correlation matrices of the numeric columns, for the heatmaps
    ObjectNode corr = ModelBundle.json().createObjectNode();
    ArrayNode names = corr.putArray("columns");
    numeric.forEach(names::add);
    corr.set("real", matrix(rc));
    corr.set("synthetic", matrix(sc));
    t.report().section("correlations", corr);
  }

  private static CoMoments moments(Dataset<Row> t, int nn) {
    return t.javaRDD().treeAggregate(new CoMoments(nn), (acc, row) -> {
      double[] v = new double[nn];
      for (int c = 0; c < nn; c++) {
        v[c] = ConformedTable.numberAt(row, c);
      }
      return acc.add(v);
    }, CoMoments::merge);
  }

  private static ArrayNode matrix(CoMoments m) {
    ArrayNode rows = ModelBundle.json().createArrayNode();
    for (int i = 0; i < m.columns(); i++) {
      ArrayNode r = rows.addArray();
      for (int j = 0; j < m.columns(); j++) {
        r.add(EvaluationReport.number(m.correlation(i, j)));
      }
    }
    return rows;
  }

  private static JavaPairRDD<Tuple2<Integer, String>, long[]> contingency(Dataset<Row> t,
      int source, int[][] pairs, double[][] edges, int nn) {
    return t.javaRDD().flatMapToPair(row -> {
      List<Tuple2<Tuple2<Integer, String>, long[]>> out = new ArrayList<>(pairs.length);
      for (int p = 0; p < pairs.length; p++) {
        long[] k = new long[2];
        k[source] = 1;
        out.add(new Tuple2<>(new Tuple2<>(p, code(row, pairs[p][0], edges, nn) + '\u0001'
            + code(row, pairs[p][1], edges, nn)), k));
      }
      return out.iterator();
    });
  }

  /** A cell's category, or for a numeric its decile bin (numpy searchsorted right). */
  static String code(Row row, int c, double[][] edges, int nn) {
    if (c >= nn) {
      return ConformedTable.category(row, c);
    }
    if (row.isNullAt(c)) {
      return "#missing";
    }
    int b = Arrays.binarySearch(edges[c], row.getDouble(c));
    int pos = b >= 0 ? b + 1 : -b - 1;
    if (b >= 0) {
      while (pos < edges[c].length && edges[c][pos] == row.getDouble(c)) {
        pos++;
      }
    }
    return "#" + pos;
  }
}
