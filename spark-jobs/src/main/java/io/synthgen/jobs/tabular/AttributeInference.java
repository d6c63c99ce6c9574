package io.synthgen.jobs.tabular;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.eval.PrivacyBaselines;
import io.synthgen.model.eval.RocAuc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Attribute inference of the label: an attacker who knows a training row's other columns
 * guesses its label with a classifier trained on the synthetic rows; the baseline is the same
 * classifier trained on the holdout rows, scored on the same training rows. The excess of the
 * first over the second is what the synthetic rows tell about the training rows beyond what any
 * sample of the population tells (Stadler et al., "Synthetic data - anonymisation groundhog
 * day", USENIX Security 2022). The classifier is a small Spark MLlib random forest (multi-class,
 * one pass per tree level) on the utility evaluation's featurization ({@link
 * UtilityEvaluator#featurizer}).
 */
final class AttributeInference {
  static final String TARGET = "__target";
  private static final int TREES = 20;
  private static final int DEPTH = 5;
  /** Bins of the positive class's probability for its ROC AUC ({@link RocAuc#ofCounts}). */
  static final int BINS = 1000;

  private AttributeInference() {}

  /**
   * The attack's JSON; records {@code attribute_inference_advantage}. Needs the holdout and the
   * metadata's label (the caller checks).
   */
  static ObjectNode evaluate(TableEvaluation t, Dataset<Row> real, Dataset<Row> syn,
      Dataset<Row> holdout) {
    String label = t.meta().label();
    List<String> features = new ArrayList<>(t.categorical());
    features.remove(label);
    Map<String, Object> fill = new HashMap<>(UtilityEvaluator.missingFill(real, t.numeric()));
    fill.put(label, ConformedTable.MISSING);
    Dataset<Row> realF = real.na().fill(fill);
    StringIndexerModel target = new StringIndexer().setInputCol(label).setOutputCol(TARGET)
        .setHandleInvalid("keep").setStringOrderType("frequencyDesc").fit(realF);
    PipelineModel prep = UtilityEvaluator.featurizer(realF, t.numeric(), features);
    RandomForestClassifier rf = new RandomForestClassifier().setLabelCol(TARGET)
        .setFeaturesCol(UtilityEvaluator.FEATURES).setNumTrees(TREES).setMaxDepth(DEPTH)
        .setMaxBins(UtilityEvaluator.maxBins(prep))
        .setSeed(Seeds.derive(t.request().seed(), Seeds.TRAIN, 2));
    List<String> classes = Arrays.asList(target.labelsArray()[0]);
    int positive = t.meta().positiveClass() == null ? -1
        : classes.indexOf(t.meta().positiveClass());
    Dataset<Row> scored = prep.transform(target.transform(realF))
        .select(UtilityEvaluator.FEATURES, TARGET).cache();
    try {
      ObjectNode o = ModelBundle.json().createObjectNode();
      o.put("attack", "a classifier trained on the synthetic rows guesses each training row's '"
          + label + "' from its other columns");
      o.put("classifier", String.format(Locale.ROOT, "Spark MLlib RandomForestClassifier("
          + "numTrees=%d, maxDepth=%d, maxBins=%d), categoricals indexed on the real rows",
          TREES, DEPTH, rf.getMaxBins()));
      List<String> known = new ArrayList<>(t.numeric());
      known.addAll(features);
      known.forEach(o.putArray("known_columns")::add);
      // the two attackers are independent Spark jobs of a few small stages each: run them
      // concurrently, as the utility classifiers are
      Scores s;
      Scores h;
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<Scores> fs = pool.submit(() -> score(rf.fit(features(prep, target, syn, fill)),
            scored, positive));
        Future<Scores> fh = pool.submit(() -> score(rf.fit(features(prep, target, holdout,
            fill)), scored, positive));
        s = UtilityEvaluator.get(fs);
        h = UtilityEvaluator.get(fh);
      } finally {
        pool.shutdownNow();
      }
      o.put("training_rows_scored", s.rows);
      EvaluationReport.put(o, "majority_class_share", s.majorityShare);
      o.set("trained_on_synthetic", s.json());
      o.set("trained_on_holdout", h.json());
      double advantage = s.accuracy - h.accuracy;
      EvaluationReport.put(o, "advantage", advantage);
      EvaluationReport.put(o, "balanced_advantage", s.balanced - h.balanced);
      t.report().metric("attribute_inference_advantage", advantage);
      o.put("note", "advantage = accuracy of the attacker trained on synthetic rows - accuracy "
          + "of the same attacker trained on holdout rows, both on the training rows: > 0 means "
          + "the synthetic rows tell more about the training rows' label than other rows of the "
          + "population do. SDMetrics' DisclosureProtection (CategoricalCAP family) plays the "
          + "same game with exact matches: a real row's known values are looked up in the "
          + "synthetic rows and CAP is the share of the matches carrying its sensitive value "
          + "(numeric columns binned); its score is the protection 1 - mean CAP over the real "
          + "rows divided by that of random guessing (1 - 1/number of values), at most 1. Here "
          + "the attacker generalises "
          + "(a classifier over all other columns) and the baseline is the population, not "
          + "random guessing, so inference any sample of the population allows is not counted "
          + "as a leak");
      return o;
    } finally {
      scored.unpersist();
    }
  }

  private static Dataset<Row> features(PipelineModel prep, StringIndexerModel target,
      Dataset<Row> rows, Map<String, Object> fill) {
    return prep.transform(target.transform(rows.na().fill(fill)))
        .select(UtilityEvaluator.FEATURES, TARGET);
  }

  /** What one attacker achieves on the training rows. */
  record Scores(long rows, double accuracy, double balanced, double positiveAuc,
      double majorityShare) {
    ObjectNode json() {
      ObjectNode o = ModelBundle.json().createObjectNode();
      EvaluationReport.put(o, "accuracy", accuracy);
      EvaluationReport.put(o, "balanced_accuracy", balanced);
      EvaluationReport.put(o, "positive_class_roc_auc", positiveAuc);
      return o;
    }
  }

  /**
   * Accuracy, balanced accuracy and the positive class's ROC AUC of {@code model} on the training
   * rows, from one aggregation: rows counted by (class, probability of the positive class in
   * {@value #BINS} bins), with the correct predictions summed.
   */
  private static Scores score(RandomForestClassificationModel model, Dataset<Row> scored,
      int positive) {
    Column bin = positive < 0 ? lit(0) : least(floor(functions.vector_to_array(
        col("probability"), "float64").getItem(positive).multiply(BINS)).cast("int"), lit(BINS));
    List<Row> groups = model.transform(scored).groupBy(col(TARGET), bin.as("bin"))
        .agg(count(lit(1)), sum(when(col("prediction").equalTo(col(TARGET)), 1).otherwise(0)))
        .collectAsList();
    int k = 0;
    for (Row r : groups) {
      k = Math.max(k, (int) r.getDouble(0) + 1);
    }
    long[] total = new long[k];
    long[] correct = new long[k];
    long[] pos = new long[BINS + 1];
    long[] neg = new long[BINS + 1];
    for (Row r : groups) {
      int c = (int) r.getDouble(0);
      total[c] += r.getLong(2);
      correct[c] += r.getLong(3);
      (c == positive ? pos : neg)[r.getInt(1)] += r.getLong(2);
    }
    long rows = Arrays.stream(total).sum();
    long right = Arrays.stream(correct).sum();
    long majority = Arrays.stream(total).max().orElse(0);
    return new Scores(rows, right / (double) rows, PrivacyBaselines.balancedAccuracy(correct,
        total), positive < 0 ? Double.NaN : RocAuc.ofCounts(pos, neg), majority / (double) rows);
  }
}
