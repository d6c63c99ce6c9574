package io.synthgen.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.eval.CoMoments;
import io.synthgen.model.eval.Distributions;
import io.synthgen.model.eval.KsPartial;
import io.synthgen.tabular.RecordDistance;
import io.synthgen.tabular.TableMetadata;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Spark stages of the tabular evaluation: fidelity (column shapes, column pair trends), validity,
 * privacy (exact copies, distance to closest record) and, with a holdout, ML utility
 * ({@link UtilityEvaluator}). Everything runs on the full tables; only the distance to closest
 * record, which is quadratic, uses a sample of synthetic and holdout rows (sizes reported).
 * Definitions are those of {@code shared/eval/tabular_eval.py} (SDMetrics-compatible).
 */
final class TableEvaluator {
  private static final Logger LOG = LoggerFactory.getLogger(TableEvaluator.class);
  /** The category key of a missing value. */
  static final String MISSING = "\u0000<missing>";
  /** Quantile bins of numeric columns in mixed pairs: the deciles of the real column. */
  private static final int QUANTILE_BINS = 10;

  private final SparkSession spark;
  private final TableMetadata meta;
  private final EvaluateRequest req;
  private final EvaluationReport report;
  private final List<String> numeric;
  private final List<String> categorical;
  private final int nNum;

  private TableEvaluator(SparkSession spark, TableMetadata meta, EvaluateRequest req,
      EvaluationReport report) {
    this.spark = spark;
    this.meta = meta;
    this.req = req;
    this.report = report;
    this.numeric = meta.numeric();
    this.categorical = meta.categorical();
    this.nNum = numeric.size();
  }

  /** Evaluates the request's tables against the bundle's table description into {@code report}. */
  static void evaluate(SparkSession spark, ModelBundle bundle, EvaluateRequest req,
      EvaluationReport report) throws Exception {
    TableMetadata meta = TableMetadata.fromJson(bundle.metadata());
    new TableEvaluator(spark, meta, req, report).run();
  }

  private void run() throws Exception {
    long t = System.nanoTime();
    LOG.info("evaluate table: real={} synthetic={} holdout={} seed={}", req.real(),
        req.synthetic(), req.holdout(), req.seed());
    Dataset<Row> real = conform(req.real(), "real", "--real").cache();
    Dataset<Row> syn = conform(req.synthetic(), "synthetic", "--synthetic").cache();
    Dataset<Row> holdout = req.holdout() == null ? null
        : conform(req.holdout(), "holdout", "--holdout").cache();
    try {
      Profile rp = profile(real, req.real(), "--real");
      Profile sp = profile(syn, req.synthetic(), "--synthetic");
      Long holdoutRows = holdout == null ? null : profile(holdout, req.holdout(), "--holdout").rows;
      if (meta.label() != null && meta.positiveClass() != null
          && !rp.categories.get(categorical.indexOf(meta.label())).containsKey(
          meta.positiveClass())) {
        throw new InvalidInputException("real data '" + req.real() + "' has no row of the "
            + "positive class '" + meta.positiveClass() + "' in label column '" + meta.label()
            + "': give the table the model was trained on");
      }
      ObjectNode rows = ModelBundle.json().createObjectNode();
      rows.put("real", rp.rows);
      rows.put("synthetic", sp.rows);
      if (holdoutRows != null) {
        rows.put("holdout", holdoutRows);
      }
      report.section("rows", rows);
      t = report.timing("load", t);
      NumericScan scan = scanNumeric(real, syn, rp, sp);
      columnShapes(rp, sp, scan);
      t = report.timing("column_shapes", t);
      pairTrends(real, syn, scan);
      t = report.timing("column_pair_trends", t);
      validity(syn, rp, sp);
      t = report.timing("validity", t);
      privacy(real, syn, holdout, rp, sp.rows, holdoutRows);
      t = report.timing("privacy", t);
      if (holdout != null && meta.label() != null && meta.positiveClass() != null) {
        UtilityEvaluator.evaluate(real, syn, holdout, meta, req, report);
      } else {
        ObjectNode u = ModelBundle.json().createObjectNode();
        u.put("skipped", holdout == null ? "no --holdout given: utility needs real held-out rows"
            : "the model's metadata names no label and positive class");
        report.section("utility", u);
      }
      report.timing("utility", t);
    } finally {
      real.unpersist();
      syn.unpersist();
      if (holdout != null) {
        holdout.unpersist();
      }
    }
  }

  // ------------------------------------------------------------------------------------ input

  /** Reads a table and projects it to the model's columns: numerics as double, then categoricals. */
  private Dataset<Row> conform(String path, String role, String flag) {
    try {
      org.apache.hadoop.fs.Path hp = new org.apache.hadoop.fs.Path(path);
      if (!hp.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(hp)) {
        throw new InvalidInputException(role + " data '" + path + "' does not exist: check "
            + flag);
      }
    } catch (java.io.IOException e) {
      throw new InvalidInputException(role + " data '" + path + "' cannot be opened ("
          + e.getMessage() + "): check " + flag, e);
    }
    Dataset<Row> df = TableReader.read(spark, path, TableReader.sniffFormat(spark, path), flag);
    Map<String, org.apache.spark.sql.types.DataType> types = new LinkedHashMap<>();
    for (StructField f : df.schema().fields()) {
      types.put(f.name(), f.dataType());
    }
    if (meta.label() != null && !types.containsKey(meta.label())) {
      throw new InvalidInputException(role + " data '" + path + "' (" + flag + ") has no label "
          + "column '" + meta.label() + "' of the model's table; its columns: "
          + String.join(", ", types.keySet()) + ": give a table with the training columns");
    }
    List<String> missing = new ArrayList<>();
    for (String c : concat(numeric, categorical)) {
      if (!types.containsKey(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      throw new InvalidInputException(role + " data '" + path + "' (" + flag + ") does not match "
          + "the model's table: it lacks column(s) " + missing + "; its columns: "
          + String.join(", ", types.keySet()) + ": give a table with the training columns");
    }
    List<Column> bad = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    for (String c : numeric) {
      if (types.get(c).equals(DataTypes.StringType)) {
        Column raw = col(TableReader.quote(c));
        Column cond = raw.isNotNull().and(org.apache.spark.sql.functions.trim(raw).notEqual(""))
            .and(raw.cast("double").isNull());
        bad.add(sum(when(cond, 1).otherwise(0)));
        bad.add(max(when(cond, raw)));
        checked.add(c);
      } else if (types.get(c).equals(DataTypes.BooleanType)
          || types.get(c).equals(DataTypes.BinaryType)) {
        throw new InvalidInputException(role + " data '" + path + "': column '" + c + "' is "
            + types.get(c).simpleString() + " but the model's table has it as numeric: give "
            + "numbers in '" + c + "'");
      }
    }
    if (!bad.isEmpty()) {
      Row r = df.agg(bad.get(0), bad.subList(1, bad.size()).toArray(new Column[0])).first();
      for (int i = 0; i < checked.size(); i++) {
        if (!r.isNullAt(2 * i) && r.getLong(2 * i) > 0) {
          throw new InvalidInputException(role + " data '" + path + "': column '"
              + checked.get(i) + "' is numeric in the model's table but has non-numeric value '"
              + r.get(2 * i + 1) + "' (" + r.getLong(2 * i) + " such cells): give numbers in '"
              + checked.get(i) + "'");
        }
      }
    }
    List<Column> projection = new ArrayList<>();
    for (String c : numeric) {
      projection.add(col(TableReader.quote(c)).cast("double").as(c));
    }
    for (String c : categorical) {
      projection.add(col(TableReader.quote(c)).cast("string").as(c));
    }
    return df.select(projection.toArray(new Column[0]));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> l = new ArrayList<>(a);
    l.addAll(b);
    return l;
  }

  /** Row counts, numeric bounds and integrality, and category counts of one table. */
  static final class Profile {
    long rows;
    long[] present;
    double[] min;
    double[] max;
    long[] nonInteger;
    List<Map<String, Long>> categories;

    long missing(int numericColumn) {
      return rows - present[numericColumn];
    }
  }

  private Profile profile(Dataset<Row> t, String path, String flag) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)));
    for (String c : numeric) {
      Column x = col(TableReader.quote(c));
      aggs.add(count(x));
      aggs.add(min(x));
      aggs.add(max(x));
      aggs.add(sum(when(x.notEqual(floor(x)), 1).otherwise(0)));
    }
    Row r = t.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    Profile p = new Profile();
    p.rows = r.getLong(0);
    if (p.rows == 0) {
      throw new InvalidInputException("table '" + path + "' (" + flag + ") has no rows: give a "
          + "non-empty table");
    }
    p.present = new long[nNum];
    p.min = new double[nNum];
    p.max = new double[nNum];
    p.nonInteger = new long[nNum];
    for (int i = 0; i < nNum; i++) {
      p.present[i] = r.getLong(1 + 4 * i);
      p.min[i] = r.isNullAt(2 + 4 * i) ? Double.NaN : r.getDouble(2 + 4 * i);
      p.max[i] = r.isNullAt(3 + 4 * i) ? Double.NaN : r.getDouble(3 + 4 * i);
      p.nonInteger[i] = r.isNullAt(4 + 4 * i) ? 0 : r.getLong(4 + 4 * i);
    }
    int nn = nNum;
    int nc = categorical.size();
    Map<Tuple2<Integer, String>, Long> counts = t.javaRDD()
        .flatMapToPair(row -> {
          List<Tuple2<Tuple2<Integer, String>, Long>> out = new ArrayList<>(nc);
          for (int j = 0; j < nc; j++) {
            out.add(new Tuple2<>(new Tuple2<>(j, category(row, nn + j)), 1L));
          }
          return out.iterator();
        }).reduceByKey(Long::sum).collectAsMap();
    p.categories = new ArrayList<>();
    for (int j = 0; j < nc; j++) {
      p.categories.add(new HashMap<>());
    }
    counts.forEach((k, v) -> p.categories.get(k._1()).put(k._2(), v));
    return p;
  }

  static String category(Row row, int i) {
    return row.isNullAt(i) ? MISSING : row.getString(i);
  }

  static double numberAt(Row row, int i) {
    return row.isNullAt(i) ? Double.NaN : row.getDouble(i);
  }

  // ------------------------------------------------------------------------------- numerics

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

  /** Per numeric column: KS statistic, histograms, decile edges of the real column. */
  static final class NumericScan {
    double[] ks;
    long[][] realHist;
    long[][] synHist;
    double[][] edges;
  }

  private NumericScan scanNumeric(Dataset<Row> real, Dataset<Row> syn, Profile rp, Profile sp) {
    int nn = nNum;
    int bins = req.histogramBins();
    NumericScan out = new NumericScan();
    out.ks = new double[nn];
    out.realHist = new long[nn][bins];
    out.synHist = new long[nn][bins];
    out.edges = new double[nn][];
    if (nn == 0) {
      return out;
    }
    JavaPairRDD<ValueKey, long[]> sorted = cells(real, 0).union(cells(syn, 1))
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
              int b = bin(e._1().value(), lo[c], hi[c], bins);
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
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
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

  private JavaPairRDD<ValueKey, long[]> cells(Dataset<Row> t, int source) {
    int nn = nNum;
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

  /** Equal-width histogram bin of {@code v} over the real range; outside values go to the ends. */
  static int bin(double v, double lo, double hi, int bins) {
    if (!(hi > lo)) {
      return 0;
    }
    int b = (int) Math.floor((v - lo) / (hi - lo) * bins);
    return Math.max(0, Math.min(bins - 1, b));
  }

  // ---------------------------------------------------------------------------- column shapes

  private void columnShapes(Profile rp, Profile sp, NumericScan scan) {
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
      List<String> keys = new ArrayList<>(new TreeSet<>(concat(new ArrayList<>(a.keySet()),
          new ArrayList<>(b.keySet()))));
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
    report.section("column_shapes", shapes);
    report.section("histograms", hist);
    report.metric("column_shapes", all);
  }

  // ------------------------------------------------------------------------------ pair trends

  private void pairTrends(Dataset<Row> real, Dataset<Row> syn, NumericScan scan) {
    int nn = nNum;
    List<String> cols = concat(numeric, categorical);
    int n = cols.size();
    CoMoments rc = moments(real);
    CoMoments sc = moments(syn);
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
      report.metric("column_pair_trends_" + e.getKey(), v[1] == 0 ? Double.NaN : v[0] / v[1]);
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
    report.section("column_pair_trends", out);
    report.metric("column_pair_trends", score);
    // correlation matrices of the numeric columns, for the heatmaps
    ObjectNode corr = ModelBundle.json().createObjectNode();
    ArrayNode names = corr.putArray("columns");
    numeric.forEach(names::add);
    corr.set("real", matrix(rc));
    corr.set("synthetic", matrix(sc));
    report.section("correlations", corr);
  }

  private CoMoments moments(Dataset<Row> t) {
    int nn = nNum;
    return t.javaRDD().treeAggregate(new CoMoments(nn), (acc, row) -> {
      double[] v = new double[nn];
      for (int c = 0; c < nn; c++) {
        v[c] = numberAt(row, c);
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
      return category(row, c);
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

  // --------------------------------------------------------------------------------- validity

  private void validity(Dataset<Row> syn, Profile rp, Profile sp) {
    ObjectNode v = ModelBundle.json().createObjectNode();
    ObjectNode num = v.putObject("numeric");
    ObjectNode cat = v.putObject("categorical");
    ObjectNode miss = v.putObject("missing_rate");
    List<Column> oor = new ArrayList<>();
    List<Column> nonInt = new ArrayList<>();
    List<Column> unknown = new ArrayList<>();
    List<Column> aggs = new ArrayList<>();
    double maxMissDiff = 0;
    for (int c = 0; c < nNum; c++) {
      Column x = col(TableReader.quote(numeric.get(c)));
      Column out = x.isNotNull().and(x.lt(rp.min[c]).or(x.gt(rp.max[c])));
      boolean integer = rp.nonInteger[c] == 0 && rp.present[c] > 0;
      Column frac = integer ? x.isNotNull().and(x.notEqual(floor(x))) : lit(false);
      oor.add(out);
      nonInt.add(frac);
      aggs.add(sum(when(out, 1).otherwise(0)));
      aggs.add(sum(when(frac, 1).otherwise(0)));
    }
    for (int j = 0; j < categorical.size(); j++) {
      Column x = col(TableReader.quote(categorical.get(j)));
      Object[] known = rp.categories.get(j).keySet().stream().filter(k -> !MISSING.equals(k))
          .toArray();
      unknown.add(x.isNotNull().and(known.length == 0 ? lit(true) : x.isin(known).unary_$bang()));
    }
    aggs.add(sum(when(any(oor), 1).otherwise(0)));
    aggs.add(sum(when(any(unknown), 1).otherwise(0)));
    aggs.add(sum(when(any(nonInt), 1).otherwise(0)));
    Row r = syn.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    double n = sp.rows;
    for (int c = 0; c < nNum; c++) {
      ObjectNode o = num.putObject(numeric.get(c));
      EvaluationReport.put(o, "out_of_range", r.getLong(2 * c) / n);
      o.put("integer_column", rp.nonInteger[c] == 0 && rp.present[c] > 0);
      EvaluationReport.put(o, "non_integer", r.getLong(2 * c + 1) / n);
      EvaluationReport.put(o, "real_min", rp.min[c]);
      EvaluationReport.put(o, "real_max", rp.max[c]);
      EvaluationReport.put(o, "synthetic_min", sp.min[c]);
      EvaluationReport.put(o, "synthetic_max", sp.max[c]);
      double mr = rp.missing(c) / (double) rp.rows;
      double ms = sp.missing(c) / n;
      ObjectNode m = miss.putObject(numeric.get(c));
      EvaluationReport.put(m, "real", mr);
      EvaluationReport.put(m, "synthetic", ms);
      maxMissDiff = Math.max(maxMissDiff, Math.abs(mr - ms));
    }
    for (int j = 0; j < categorical.size(); j++) {
      Map<String, Long> a = rp.categories.get(j);
      Map<String, Long> b = sp.categories.get(j);
      long unk = 0;
      List<String> examples = new ArrayList<>();
      for (Map.Entry<String, Long> e : b.entrySet()) {
        if (!MISSING.equals(e.getKey()) && !a.containsKey(e.getKey())) {
          unk += e.getValue();
          examples.add(e.getKey());
        }
      }
      Collections.sort(examples);
      ObjectNode o = cat.putObject(categorical.get(j));
      EvaluationReport.put(o, "unknown", unk / n);
      o.put("n_categories_real", a.keySet().stream().filter(k -> !MISSING.equals(k)).count());
      o.put("n_categories_synthetic", b.keySet().stream().filter(k -> !MISSING.equals(k))
          .count());
      ArrayNode ex = o.putArray("examples_unknown");
      examples.stream().limit(5).forEach(ex::add);
      double mr = a.getOrDefault(MISSING, 0L) / (double) rp.rows;
      double ms = b.getOrDefault(MISSING, 0L) / n;
      ObjectNode m = miss.putObject(categorical.get(j));
      EvaluationReport.put(m, "real", mr);
      EvaluationReport.put(m, "synthetic", ms);
      maxMissDiff = Math.max(maxMissDiff, Math.abs(mr - ms));
    }
    int base = 2 * nNum;
    long distinct = syn.distinct().count();
    ObjectNode s = v.putObject("summary");
    double outShare = r.getLong(base) / n;
    double unkShare = r.getLong(base + 1) / n;
    double nonIntShare = r.getLong(base + 2) / n;
    double dup = (sp.rows - distinct) / n;
    EvaluationReport.put(s, "rows_any_out_of_range", outShare);
    EvaluationReport.put(s, "rows_any_unknown_category", unkShare);
    EvaluationReport.put(s, "rows_any_non_integer_in_integer_column", nonIntShare);
    EvaluationReport.put(s, "max_abs_missing_rate_diff", maxMissDiff);
    EvaluationReport.put(s, "duplicate_rows_within_synthetic", dup);
    report.metric("rows_out_of_range", outShare);
    report.metric("rows_unknown_category", unkShare);
    report.metric("rows_non_integer", nonIntShare);
    report.metric("max_missing_rate_diff", maxMissDiff);
    report.metric("duplicate_rows", dup);
    if (meta.label() != null && meta.positiveClass() != null) {
      int l = categorical.indexOf(meta.label());
      double pr = rp.categories.get(l).getOrDefault(meta.positiveClass(), 0L)
          / (double) rp.rows;
      double ps = sp.categories.get(l).getOrDefault(meta.positiveClass(), 0L) / n;
      EvaluationReport.put(s, "positive_rate_real", pr);
      EvaluationReport.put(s, "positive_rate_synthetic", ps);
      report.metric("positive_rate_synthetic", ps);
    }
    report.section("validity", v);
  }

  private static Column any(List<Column> conds) {
    Column c = lit(false);
    for (Column x : conds) {
      c = c.or(x);
    }
    return c;
  }

  // ---------------------------------------------------------------------------------- privacy

  private void privacy(Dataset<Row> real, Dataset<Row> syn, Dataset<Row> holdout, Profile rp,
      long synRows, Long holdoutRows) {
    ObjectNode p = ModelBundle.json().createObjectNode();
    p.put("distance", "mean over columns of |a - b| / (max - min of the real column) (numeric; "
        + "1 if one is missing) and 0/1 mismatch (categorical, label included)");
    Dataset<Row> realDistinct = real.distinct();
    long copies = semiJoinCount(syn, realDistinct);
    p.put("exact_copies", copies);
    EvaluationReport.put(p, "exact_copy_share", copies / (double) synRows);
    report.metric("exact_copies", copies);
    report.metric("exact_copy_share", copies / (double) synRows);
    if (holdout != null) {
      double baseline = semiJoinCount(holdout, realDistinct) / (double) holdoutRows;
      double inHoldout = semiJoinCount(syn, holdout.distinct()) / (double) synRows;
      EvaluationReport.put(p, "exact_copy_share_holdout_baseline", baseline);
      EvaluationReport.put(p, "synthetic_rows_found_in_holdout", inHoldout);
      p.put("ml_leak_warning", inHoldout > 0.05 && inHoldout > 2 * baseline);
    }
    // distance to closest real record: a seeded sample of synthetic (and holdout) rows against
    // every real row
    int nn = nNum;
    List<Row> synSample = syn.javaRDD().takeSample(false, req.dcrSample(),
        Seeds.derive(req.seed(), Seeds.SAMPLE, 1));
    List<Row> holdSample = holdout == null ? List.of() : holdout.javaRDD().takeSample(false,
        req.dcrSample(), Seeds.derive(req.seed(), Seeds.SAMPLE, 2));
    List<Row> queries = new ArrayList<>(synSample);
    queries.addAll(holdSample);
    double[][] qNum = new double[queries.size()][];
    String[][] qCat = new String[queries.size()][];
    for (int q = 0; q < queries.size(); q++) {
      qNum[q] = numbers(queries.get(q), nn);
      qCat[q] = categories(queries.get(q), nn, categorical.size());
    }
    RecordDistance metric = new RecordDistance(rp.min, rp.max, categorical.size());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<double[][]> bNum = sc.broadcast(qNum);
    Broadcast<String[][]> bCat = sc.broadcast(qCat);
    int nc = categorical.size();
    double[] dist = real.javaRDD().treeAggregate(new RecordDistance.Nearest(queries.size()),
        (acc, row) -> acc.offer(metric, bNum.value(), bCat.value(), numbers(row, nn),
            categories(row, nn, nc)), RecordDistance.Nearest::merge).distances();
    bNum.destroy();
    bCat.destroy();
    double[] ds = Arrays.copyOfRange(dist, 0, synSample.size());
    double[] dh = Arrays.copyOfRange(dist, synSample.size(), dist.length);
    Arrays.sort(ds);
    Arrays.sort(dh);
    p.put("n_synthetic_sampled", ds.length);
    p.put("n_holdout_sampled", dh.length);
    double medS = percentile(ds, 50);
    double medH = percentile(dh, 50);
    EvaluationReport.put(p, "dcr_synthetic_median", medS);
    EvaluationReport.put(p, "dcr_synthetic_p05", percentile(ds, 5));
    EvaluationReport.put(p, "share_dcr_zero_synthetic", shareBelow(ds, 1e-9, true));
    report.metric("dcr_synthetic_median", medS);
    double threshold = req.dcrThreshold() != null ? req.dcrThreshold()
        : dh.length > 0 ? percentile(dh, 1) : 0;
    p.put("threshold_source", req.dcrThreshold() != null ? "--dcr-threshold"
        : dh.length > 0 ? "1st percentile of the holdout rows' distances" : "0 (no holdout)");
    EvaluationReport.put(p, "threshold", threshold);
    double flagged = shareBelow(ds, threshold, threshold == 0);
    p.put("flagged_rows_in_sample", Math.round(flagged * ds.length));
    EvaluationReport.put(p, "flagged_share", flagged);
    report.metric("dcr_flagged_share", flagged);
    if (dh.length > 0) {
      EvaluationReport.put(p, "dcr_holdout_median", medH);
      EvaluationReport.put(p, "dcr_holdout_p05", percentile(dh, 5));
      EvaluationReport.put(p, "share_dcr_zero_holdout", shareBelow(dh, 1e-9, true));
      EvaluationReport.put(p, "dcr_ratio_synthetic_over_holdout", medH > 0 ? medS / medH
          : Double.NaN);
      EvaluationReport.put(p, "share_synthetic_closer_than_holdout_median",
          shareBelow(ds, medH, false));
      report.metric("dcr_holdout_median", medH);
      report.metric("dcr_ratio", medH > 0 ? medS / medH : Double.NaN);
    }
    ObjectNode h = p.putObject("dcr_histogram");
    double top = Math.max(ds.length == 0 ? 0 : ds[ds.length - 1],
        dh.length == 0 ? 0 : dh[dh.length - 1]);
    h.set("max", EvaluationReport.number(top));
    h.set("synthetic", histogram(ds, top, 30));
    h.set("holdout", histogram(dh, top, 30));
    report.section("privacy", p);
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
      h[bin(d, 0, top, bins)]++;
    }
    ArrayNode a = ModelBundle.json().createArrayNode();
    for (long x : h) {
      a.add(x);
    }
    return a;
  }

  static double[] numbers(Row row, int nn) {
    double[] v = new double[nn];
    for (int c = 0; c < nn; c++) {
      v[c] = numberAt(row, c);
    }
    return v;
  }

  static String[] categories(Row row, int nn, int nc) {
    String[] v = new String[nc];
    for (int j = 0; j < nc; j++) {
      v[j] = row.isNullAt(nn + j) ? null : row.getString(nn + j);
    }
    return v;
  }

  /** numpy's linear percentile of a sorted array; NaN when empty. */
  static double percentile(double[] sorted, double pct) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    long[] r = Distributions.quantileRanks(pct / 100, sorted.length);
    return Distributions.quantile(pct / 100, sorted.length, sorted[(int) r[0]],
        sorted[(int) r[1]]);
  }

  private static double shareBelow(double[] sorted, double t, boolean inclusive) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    long k = Arrays.stream(sorted).filter(d -> inclusive ? d <= t : d < t).count();
    return k / (double) sorted.length;
  }

}
