package io.synthgen.jobs.tabular;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.jobs.io.TableReader;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.eval.PrivacyBaselines;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Value-level copying: per continuous numeric column, the share of the non-null synthetic values
 * that equal some training value, next to the same share for the holdout's values (the chance
 * level: how often a new row of the population repeats a training value by itself). A model
 * that memorises values (rather than whole rows, which the exact-copy count catches) repeats
 * training values far more often than the population does. The cells of every continuous column
 * are stacked as (column, value) and matched with one Spark join per table against the distinct
 * training cells.
 *
 * <p>A column is continuous when it is numeric and holds at least one non-integral value among
 * the {@code --real} rows ({@link TableProfile#nonInteger}): in a column of whole numbers (counts,
 * codes, years) repeats of training values are expected and say nothing.
 */
final class ValueCopying {
  private ValueCopying() {}

  /**
   * The JSON of the check on the {@code continuous} numeric columns (indices into the numeric
   * columns); records {@code value_copy_share} and {@code value_copy_ratio} (NaN without a
   * holdout or a continuous column).
   */
  static ObjectNode evaluate(TableEvaluation t, Dataset<Row> real, Dataset<Row> syn,
      Dataset<Row> holdout, int[] continuous) {
    ObjectNode o = ModelBundle.json().createObjectNode();
    names(t, continuous).forEach(o.putArray("continuous_columns")::add);
    double maxShare = Double.NaN;
    double maxRatio = Double.NaN;
    double maxBase = Double.NaN;
    if (continuous.length > 0) {
      Dataset<Row> training = cells(t, real, continuous).distinct().select(col("c").as("tc"),
          col("v").as("tv"), lit(true).as("hit"));
      long[][] s = matches(cells(t, syn, continuous), training, continuous.length);
      long[][] h = holdout == null ? null
          : matches(cells(t, holdout, continuous), training, continuous.length);
      ObjectNode per = o.putObject("per_column");
      for (int k = 0; k < continuous.length; k++) {
        ObjectNode c = per.putObject(t.numeric().get(continuous[k]));
        double share = s[1][k] == 0 ? Double.NaN : s[0][k] / (double) s[1][k];
        EvaluationReport.put(c, "synthetic_share", share);
        c.put("synthetic_values", s[1][k]);
        maxShare = max(maxShare, share);
        if (h != null) {
          double base = h[1][k] == 0 ? Double.NaN : h[0][k] / (double) h[1][k];
          double ratio = PrivacyBaselines.smoothedRatio(share, base, h[1][k]);
          EvaluationReport.put(c, "holdout_share", base);
          c.put("holdout_values", h[1][k]);
          EvaluationReport.put(c, "ratio", ratio);
          maxRatio = max(maxRatio, ratio);
          maxBase = max(maxBase, base);
        }
      }
    }
    EvaluationReport.put(o, "max_synthetic_share", maxShare);
    EvaluationReport.put(o, "max_holdout_share", maxBase);
    EvaluationReport.put(o, "max_ratio", maxRatio);
    t.report().metric("value_copy_share", maxShare);
    t.report().metric("value_copy_ratio", maxRatio);
    o.put("note", (holdout == null ? "no --holdout: synthetic shares only, without the chance "
        + "level; " : "") + "share: non-null values equal to some training value of the "
        + "column; ratio: (synthetic share + 1/n) / (holdout share + 1/n), n = the holdout's "
        + "non-null values of the column (1 = chance level); continuous: a numeric column with "
        + "a non-integral value among the real rows");
    return o;
  }

  /** The non-null cells of the continuous columns as rows (c: column position, v: value). */
  private static Dataset<Row> cells(TableEvaluation t, Dataset<Row> d, int[] continuous) {
    Column[] cells = new Column[continuous.length];
    for (int k = 0; k < continuous.length; k++) {
      cells[k] = struct(lit(k).as("c"), col(TableReader.quote(t.numeric().get(continuous[k])))
          .as("v"));
    }
    return d.select(explode(array(cells)).as("cell")).select(col("cell.c").as("c"),
        col("cell.v").as("v")).filter(col("v").isNotNull());
  }

  /** {matching cells, non-null cells} per column of {@code cells} against the training cells. */
  private static long[][] matches(Dataset<Row> cells, Dataset<Row> training, int columns) {
    long[][] out = new long[2][columns];
    for (Row r : cells.join(training, col("c").equalTo(col("tc")).and(col("v")
        .equalTo(col("tv"))), "left").groupBy("c").agg(count(col("hit")), count(lit(1)))
        .collectAsList()) {
      out[0][r.getInt(0)] = r.getLong(1);
      out[1][r.getInt(0)] = r.getLong(2);
    }
    return out;
  }

  private static List<String> names(TableEvaluation t, int[] columns) {
    List<String> out = new ArrayList<>();
    for (int c : columns) {
      out.add(t.numeric().get(c));
    }
    return out;
  }

  private static double max(double a, double b) {
    return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
  }
}
