package io.synthgen.jobs.tabular;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.jobs.runtime.JobDescriptions;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.TableMetadata;
import io.synthgen.tabular.condition.ConditionSet;
import io.synthgen.tabular.condition.RowCondition;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark stages of the tabular evaluation, in order: read and conform the tables
 * ({@link ConformedTable}), profile them ({@link TableProfile}), then the sections: fidelity
 * ({@link NumericScan}, {@link FidelityEvaluator}), validity ({@link ValidityEvaluator}), privacy
 * ({@link PrivacyEvaluator}, then {@link PrivacyAttacks}) and, with a holdout, ML utility
 * ({@link UtilityEvaluator}).
 * Everything runs on the full tables; only the distances to closest records, which are
 * quadratic, use samples (the DCR: synthetic and holdout rows; membership inference: training and
 * holdout rows; sizes reported). Definitions are those of
 * {@code shared/eval/tabular_eval.py} (SDMetrics-compatible).
 */
final class TableEvaluator {
  private static final Logger LOG = LoggerFactory.getLogger(TableEvaluator.class);

  private TableEvaluator() {}

  /**
   * The rows of {@code table} that meet all {@code conditions} ({@link RowCondition} grammar):
   * a Spark filter, each condition checked against the table's columns by name
   * ({@code categorical}: the columns the model treats as categories, compared as text).
   */
  static Column conditionFilter(List<String> conditions, Dataset<Row> table,
      List<String> categorical) {
    Column all = functions.lit(true);
    List<String> columns = List.of(table.columns());
    for (String text : conditions) {
      RowCondition c = RowCondition.parse(text, "--condition");
      String name = c.column().trim();
      if (!columns.contains(name)) {
        throw new InvalidInputException("option '--condition' value '" + text + "' names "
            + "column '" + name + "', which is not in the table; its columns: "
            + String.join(", ", columns));
      }
      boolean isCategorical = categorical.contains(name);
      // a float column's values compare with the bounds read as floats, as generate does
      boolean single = table.schema().apply(name).dataType()
          .equals(org.apache.spark.sql.types.DataTypes.FloatType);
      Column col = functions.col(name);
      Column text2 = col.cast("string");
      Column test = switch (c.kind()) {
        case IS_NULL -> col.isNull();
        case NOT_NULL -> col.isNotNull();
        case EQUALS -> isCategorical
            ? text2.isin(c.values().get(0), c.values().get(0).trim())
            : col.cast("double").equalTo(precision(ConditionSet.numberOf(c, name), single));
        case IN -> {
          if (!isCategorical) {
            throw new InvalidInputException("option '--condition' value '" + text + "' lists "
                + "categories, but column '" + name + "' is numeric: use a range such as "
                + name + " between X and Y");
          }
          yield text2.isin(c.values().toArray());
        }
        case RANGE -> {
          if (isCategorical) {
            throw new InvalidInputException("option '--condition' value '" + text + "' is a "
                + "range, but column '" + name + "' is categorical: use " + name + "=VALUE or "
                + name + " in (A,B)");
          }
          Column x = col.cast("double");
          double low = precision(c.low(), single);
          double high = precision(c.high(), single);
          Column lo = c.lowIncluded() ? x.geq(low) : x.gt(low);
          Column hi = c.highIncluded() ? x.leq(high) : x.lt(high);
          yield (Double.isInfinite(c.low()) ? x.isNotNull() : lo)
              .and(Double.isInfinite(c.high()) ? x.isNotNull() : hi);
        }
      };
      all = all.and(test);
    }
    return all;
  }

  /** {@code x} as the float it reads as, for a float column; else itself. */
  private static double precision(double x, boolean single) {
    return single && !Double.isInfinite(x) ? (float) x : x;
  }

  /** Evaluates the request's tables against the bundle's table description into {@code report}. */
  static void evaluate(SparkSession spark, ModelBundle bundle, EvaluateRequest req,
      EvaluationReport report) throws Exception {
    TableMetadata meta = TableMetadata.fromJson(bundle.metadata());
    TableEvaluation ctx = new TableEvaluation(spark, meta, req, report);
    List<String> categorical = meta.categorical();
    long t = System.nanoTime();
    LOG.info("evaluate table: real={} synthetic={} holdout={} seed={}", req.real(),
        req.synthetic(), req.holdout(), req.seed());
    JobDescriptions.Scope stage = JobDescriptions.describe(spark, "evaluate: load and profile");
    Dataset<Row> real = ConformedTable.read(ctx, req.real(), "real", "--real").cache();
    Dataset<Row> syn = ConformedTable.read(ctx, req.synthetic(), "synthetic", "--synthetic")
        .cache();
    Dataset<Row> holdout = req.holdout() == null ? null
        : ConformedTable.read(ctx, req.holdout(), "holdout", "--holdout").cache();
    try {
      TableProfile rp = TableProfile.of(ctx, real, req.real(), "--real");
      TableProfile sp = TableProfile.of(ctx, syn, req.synthetic(), "--synthetic");
      Long holdoutRows = holdout == null ? null
          : TableProfile.of(ctx, holdout, req.holdout(), "--holdout").rows;
      if (meta.label() != null && meta.positiveClass() != null
          && !rp.categories.get(categorical.indexOf(meta.label())).containsKey(
          meta.positiveClass())) {
        throw new InvalidInputException("real data '" + req.real() + "' has no row of the "
            + "positive class '" + meta.positiveClass() + "' in label column '" + meta.label()
            + "': give the table the model was trained on");
      }
      // validity (ranges, categories) is judged against the whole table; the distributions
      // against the rows of the condition's value only
      TableProfile whole = rp;
      String condition = req.conditionText();
      if (condition != null) {
        Column meets = conditionFilter(req.conditions(), real, categorical);
        real.unpersist();
        real = real.filter(meets).cache();
        rp = TableProfile.of(ctx, real, req.real() + " where " + condition, "--real");
        if (rp.rows == 0) {
          throw new InvalidInputException("real data '" + req.real() + "' has no row with "
              + condition + " to compare the rows generated under it with");
        }
        if (holdout != null) {
          holdout.unpersist();
          holdout = holdout.filter(conditionFilter(req.conditions(), holdout, categorical))
              .cache();
          holdoutRows = TableProfile.of(ctx, holdout, req.holdout() + " where " + condition,
              "--holdout").rows;
        }
      }
      ObjectNode rows = ModelBundle.json().createObjectNode();
      rows.put("real", rp.rows);
      rows.put("synthetic", sp.rows);
      if (condition != null) {
        rows.put("condition", condition);
        rows.put("real_whole_table", whole.rows);
      }
      if (holdoutRows != null) {
        rows.put("holdout", holdoutRows);
      }
      report.section("rows", rows);
      t = report.timing("load", t);
      stage.rename("evaluate: fidelity");
      NumericScan scan = NumericScan.of(ctx, real, syn, rp, sp);
      FidelityEvaluator.columnShapes(ctx, rp, sp, scan);
      t = report.timing("column_shapes", t);
      stage.rename("evaluate: pair trends");
      FidelityEvaluator.pairTrends(ctx, real, syn, scan);
      t = report.timing("column_pair_trends", t);
      stage.rename("evaluate: validity");
      ValidityEvaluator.evaluate(ctx, syn, whole, sp);
      t = report.timing("validity", t);
      stage.rename("evaluate: privacy");
      ObjectNode privacy = PrivacyEvaluator.evaluate(ctx, real, syn, holdout, rp, sp.rows,
          holdoutRows);
      t = report.timing("privacy", t);
      stage.rename("evaluate: privacy attacks");
      PrivacyAttacks.evaluate(ctx, bundle, real, syn, holdout, rp, holdoutRows, privacy);
      t = report.timing("privacy_attacks", t);
      if (condition != null) {
        ObjectNode u = ModelBundle.json().createObjectNode();
        u.put("skipped", "rows generated under " + condition + ": the utility "
            + "classifiers need rows of every class");
        report.section("utility", u);
      } else if (holdout != null && meta.label() != null && meta.positiveClass() != null) {
        stage.rename("evaluate: utility");
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
      stage.close();
    }
  }
}
