package io.synthgen.jobs.tabular;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.model.bundle.ModelBundle;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The privacy section's attacks, each an empirical test of one way the synthetic rows or the
 * bundle could give training rows away, and none a guarantee: membership inference ({@link
 * MembershipInference}), value-level copying ({@link ValueCopying}), attribute inference of the
 * label ({@link AttributeInference}) and the training values the bundle holds ({@link
 * BundleScan}). Each goes into the privacy section under its own key; one that cannot run says
 * why under {@code skipped}, and its metrics are recorded as not available (NaN), which fails a
 * gate on them.
 */
final class PrivacyAttacks {
  private PrivacyAttacks() {}

  /**
   * Runs the attacks into {@code privacy}: the section {@link PrivacyEvaluator} wrote. {@code
   * holdout} may be null; {@code holdoutRows} is then ignored.
   */
  static void evaluate(TableEvaluation t, ModelBundle bundle, Dataset<Row> real,
      Dataset<Row> syn, Dataset<Row> holdout, TableProfile rp, Long holdoutRows,
      ObjectNode privacy) {
    EvaluationReport report = t.report();
    long t0 = System.nanoTime();
    if (holdout == null) {
      privacy.set("membership_inference", skipped("no --holdout given: membership inference "
          + "compares training rows with real rows the model did not see"));
      report.metric("membership_auc", Double.NaN);
      report.metric("membership_auc_positive", Double.NaN);
    } else {
      privacy.set("membership_inference", MembershipInference.evaluate(t, real, syn, holdout, rp,
          holdoutRows));
    }
    t0 = report.timing("privacy_attacks.membership_inference", t0);
    int[] continuous = continuous(rp);
    privacy.set("value_copying", ValueCopying.evaluate(t, real, syn, holdout, continuous));
    t0 = report.timing("privacy_attacks.value_copying", t0);
    String why = holdout == null ? "no --holdout given: the attacker's baseline is a classifier "
        + "trained on real rows the model did not see"
        : t.meta().label() == null ? "the model's metadata names no label"
        : t.request().conditionText() != null ? "rows generated under "
            + t.request().conditionText()
            + ": the attack compares whole tables"
        : null;
    if (why != null) {
      privacy.set("attribute_inference", skipped(why));
      report.metric("attribute_inference_advantage", Double.NaN);
    } else {
      privacy.set("attribute_inference", AttributeInference.evaluate(t, real, syn, holdout));
    }
    t0 = report.timing("privacy_attacks.attribute_inference", t0);
    privacy.set("bundle_scan", BundleScan.evaluate(t, bundle, real, rp, continuous));
    report.timing("privacy_attacks.bundle_scan", t0);
  }

  /**
   * The continuous numeric columns (indices into the numeric columns): those with a non-integral
   * value among the {@code --real} rows.
   */
  static int[] continuous(TableProfile rp) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < rp.nonInteger.length; i++) {
      if (rp.nonInteger[i] > 0) {
        out.add(i);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static ObjectNode skipped(String why) {
    ObjectNode o = ModelBundle.json().createObjectNode();
    o.put("skipped", why);
    return o;
  }
}
