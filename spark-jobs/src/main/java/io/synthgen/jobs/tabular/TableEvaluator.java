package io.synthgen.jobs.tabular;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.jobs.runtime.JobDescriptions;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.tabular.TableMetadata;
import java.util.List;
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

  /** {COLUMN, VALUE} of a condition on a categorical column, checked by name. */
  static String[] conditionOf(String condition, List<String> categorical) {
    int eq = condition.indexOf('=');
    String column = eq <= 0 ? null : condition.substring(0, eq);
    if (column == null || !categorical.contains(column)) {
      throw new InvalidInputException("option '--condition' value '" + condition + "' is not "
          + "COLUMN=VALUE for a categorical column; categorical columns: " + categorical);
    }
    return new String[] {column, condition.substring(eq + 1)};
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
      if (req.condition() != null) {
        String[] cv = conditionOf(req.condition(), categorical);
        real.unpersist();
        real = real.filter(functions.col(cv[0]).cast("string").equalTo(cv[1])).cache();
        rp = TableProfile.of(ctx, real, req.real() + " where " + req.condition(), "--real");
        if (rp.rows == 0) {
          throw new InvalidInputException("real data '" + req.real() + "' has no row with "
              + req.condition() + " to compare the rows generated under it with");
        }
        if (holdout != null) {
          holdout.unpersist();
          holdout = holdout.filter(functions.col(cv[0]).cast("string").equalTo(cv[1])).cache();
          holdoutRows = TableProfile.of(ctx, holdout, req.holdout() + " where "
              + req.condition(), "--holdout").rows;
        }
      }
      ObjectNode rows = ModelBundle.json().createObjectNode();
      rows.put("real", rp.rows);
      rows.put("synthetic", sp.rows);
      if (req.condition() != null) {
        rows.put("condition", req.condition());
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
      if (req.condition() != null) {
        ObjectNode u = ModelBundle.json().createObjectNode();
        u.put("skipped", "rows generated under " + req.condition() + ": the utility "
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
