package io.synthgen.jobs.tabular;

import static io.synthgen.jobs.tabular.ConformedTable.MISSING;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.jobs.io.TableReader;
import io.synthgen.model.bundle.ModelBundle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Validity of generated rows: values a real row could not have. */
final class ValidityEvaluator {
  private ValidityEvaluator() {}

  /**
   * Validity of the synthetic rows against the real table's profile: out-of-range values,
   * non-integers in integer columns, unknown categories, missing rates, duplicates, positive rate.
   */
  static void evaluate(TableEvaluation t, Dataset<Row> syn, TableProfile rp, TableProfile sp) {
    List<String> numeric = t.numeric();
    List<String> categorical = t.categorical();
    int nNum = t.nNum();
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
    t.report().metric("rows_out_of_range", outShare);
    t.report().metric("rows_unknown_category", unkShare);
    t.report().metric("rows_non_integer", nonIntShare);
    t.report().metric("max_missing_rate_diff", maxMissDiff);
    t.report().metric("duplicate_rows", dup);
    if (t.meta().label() != null && t.meta().positiveClass() != null) {
      int l = categorical.indexOf(t.meta().label());
      double pr = rp.categories.get(l).getOrDefault(t.meta().positiveClass(), 0L)
          / (double) rp.rows;
      double ps = sp.categories.get(l).getOrDefault(t.meta().positiveClass(), 0L) / n;
      EvaluationReport.put(s, "positive_rate_real", pr);
      EvaluationReport.put(s, "positive_rate_synthetic", ps);
      t.report().metric("positive_rate_synthetic", ps);
    }
    t.report().section("validity", v);
  }

  private static Column any(List<Column> conds) {
    Column c = lit(false);
    for (Column x : conds) {
      c = c.or(x);
    }
    return c;
  }
}
