package io.synthgen.jobs.tabular;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.jobs.io.TableReader;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.eval.Distributions;
import io.synthgen.tabular.TableMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Machine-learning utility of synthetic rows for the label: a Spark MLlib gradient-boosted trees
 * classifier ({@link GBTClassifier}) trained on real rows (TRTR), on synthetic rows (TSTR) and on
 * real rows plus synthetic rows of the positive class (augmentation: as many as bring the positive
 * class to half the rows, or all there are), each scored on the real holdout: ROC AUC, PR AUC
 * (average precision) and precision, recall and F1 of the positive class at probability 0.5.
 *
 * @implNote Categorical features are indexed with the real training table's categories (unknown
 *     and missing values share one extra index); a missing numeric becomes a value below the real
 *     column's range, so trees can split it off. The reference scorer uses scikit-learn's
 *     histogram gradient boosting, which treats missing values natively: scores differ a little.
 */
final class UtilityEvaluator {
  static final String LABEL = "__label";
  static final String FEATURES = "__features";
  private static final int MAX_DEPTH = 5;

  private UtilityEvaluator() {}

  static void evaluate(Dataset<Row> real, Dataset<Row> syn, Dataset<Row> holdout,
      TableMetadata meta, EvaluateRequest req, EvaluationReport report) {
    List<String> numeric = meta.numeric();
    List<String> features = new ArrayList<>(meta.categorical());
    features.remove(meta.label());
    Map<String, Object> fill = missingFill(real, numeric);
    String pos = meta.positiveClass();
    Column label = when(col(TableReader.quote(meta.label())).equalTo(pos), 1.0).otherwise(0.0);
    Dataset<Row> realL = prepare(real, label, fill);
    Dataset<Row> synL = prepare(syn, label, fill);
    Dataset<Row> holdL = prepare(holdout, label, fill).cache();
    PipelineModel prep = featurizer(realL, numeric, features);
    GBTClassifier gbt = new GBTClassifier().setLabelCol(LABEL).setFeaturesCol(FEATURES)
        .setMaxIter(req.utilityIterations()).setMaxDepth(MAX_DEPTH).setStepSize(0.1)
        .setMaxBins(maxBins(prep)).setSeed(Seeds.derive(req.seed(), Seeds.TRAIN));
    Dataset<Row> test = prep.transform(holdL).select(FEATURES, LABEL).cache();
    try {
      ObjectNode u = ModelBundle.json().createObjectNode();
      u.put("classifier", String.format(Locale.ROOT, "Spark MLlib GBTClassifier(maxIter=%d, "
          + "maxDepth=%d, stepSize=0.1, maxBins=%d), categoricals indexed on the real rows",
          req.utilityIterations(), MAX_DEPTH, gbt.getMaxBins()));
      u.put("positive_class", pos);
      // augmentation: real rows plus synthetic positive rows, up to a 50% positive class
      Row counts = realL.agg(sum(col(LABEL)), org.apache.spark.sql.functions.count(lit(1)))
          .first();
      long nPos = (long) counts.getDouble(0);
      long nNeg = counts.getLong(1) - nPos;
      long need = Math.max(nNeg - nPos, 0);
      Dataset<Row> synPos = synL.filter(col(LABEL).equalTo(1.0));
      long available = synPos.count();
      long take = Math.min(need, available);
      Dataset<Row> augmented = take == 0 ? null : realL.unionByName(synPos
          .orderBy(rand(Seeds.derive(req.seed(), Seeds.SAMPLE, 3)))
          .limit((int) Math.min(take, Integer.MAX_VALUE)));
      // the three fits are independent Spark jobs: run them concurrently (a boosting iteration
      // is a few small jobs, so one fit alone leaves the executors mostly idle)
      ExecutorService pool = Executors.newFixedThreadPool(3);
      Scores trtr;
      Scores tstr;
      Scores aug;
      try {
        Future<Scores> fr = pool.submit(() -> fitAndScore(gbt, prep, realL, test));
        Future<Scores> fs = pool.submit(() -> fitAndScore(gbt, prep, synL, test));
        Future<Scores> fa = augmented == null ? null
            : pool.submit(() -> fitAndScore(gbt, prep, augmented, test));
        trtr = get(fr);
        tstr = get(fs);
        aug = fa == null ? trtr : get(fa);
      } finally {
        pool.shutdownNow();
      }
      u.set("trtr", trtr.json());
      u.set("tstr", tstr.json());
      ObjectNode a = aug.json();
      a.put("n_added", take);
      a.put("synthetic_positive_available", available);
      a.put("n_real_positive", nPos);
      a.put("n_real_negative", nNeg);
      u.set("augmented", a);
      ObjectNode ratio = u.putObject("tstr_over_trtr");
      ObjectNode uplift = u.putObject("augmentation_uplift");
      for (String k : new String[] {"roc_auc", "pr_auc", "f1", "recall", "precision"}) {
        double q = tstr.get(k) / trtr.get(k);
        EvaluationReport.put(ratio, k, q);
        EvaluationReport.put(uplift, k, aug.get(k) - trtr.get(k));
        report.metric("trtr_" + k, trtr.get(k));
        report.metric("tstr_" + k, tstr.get(k));
        report.metric("tstr_" + k + "_ratio", q);
        report.metric("augmented_" + k, aug.get(k));
        report.metric("augmentation_" + k + "_uplift", aug.get(k) - trtr.get(k));
      }
      report.section("utility", u);
    } finally {
      test.unpersist();
      holdL.unpersist();
    }
  }

  /**
   * What a missing numeric becomes for the classifiers: a value below the column's range in
   * {@code real} ({@code min - (max - min) - 1}), so trees can split it off.
   */
  static Map<String, Object> missingFill(Dataset<Row> real, List<String> numeric) {
    Map<String, Object> fill = new HashMap<>();
    if (!numeric.isEmpty()) {
      List<Column> aggs = new ArrayList<>();
      for (String c : numeric) {
        aggs.add(min(col(TableReader.quote(c))));
        aggs.add(max(col(TableReader.quote(c))));
      }
      Row r = real.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
      for (int i = 0; i < numeric.size(); i++) {
        double lo = r.isNullAt(2 * i) ? 0 : r.getDouble(2 * i);
        double hi = r.isNullAt(2 * i + 1) ? 0 : r.getDouble(2 * i + 1);
        fill.put(numeric.get(i), lo - (hi - lo) - 1);
      }
    }
    return fill;
  }

  /**
   * The featurization of every classifier of the evaluation: the categorical {@code features}
   * indexed on {@code real}'s categories (unknown and missing values share one extra index) and
   * assembled with the {@code numeric} columns (missing values already filled) into {@link
   * #FEATURES}.
   */
  static PipelineModel featurizer(Dataset<Row> real, List<String> numeric,
      List<String> features) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> assembled = new ArrayList<>(numeric);
    for (String c : features) {
      stages.add(new StringIndexer().setInputCol(c).setOutputCol(c + "__idx")
          .setHandleInvalid("keep").setStringOrderType("alphabetAsc"));
      assembled.add(c + "__idx");
    }
    stages.add(new VectorAssembler().setInputCols(assembled.toArray(new String[0]))
        .setOutputCol(FEATURES).setHandleInvalid("keep"));
    return new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(real);
  }

  /** Tree bins enough for every indexed categorical feature of {@code prep} (at least 32). */
  static int maxBins(PipelineModel prep) {
    int maxCategories = 2;
    for (org.apache.spark.ml.Transformer t : prep.stages()) {
      if (t instanceof StringIndexerModel m) {
        maxCategories = Math.max(maxCategories, m.labelsArray()[0].length + 1);
      }
    }
    return Math.max(32, maxCategories);
  }

  /** The value of {@code f}, rethrowing the failure of the work as it was. */
  static <T> T get(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("utility evaluation interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static Dataset<Row> prepare(Dataset<Row> t, Column label, Map<String, Object> fill) {
    Dataset<Row> d = t.withColumn(LABEL, label);
    return fill.isEmpty() ? d : d.na().fill(fill);
  }

  /** Ranking and threshold scores of the positive class on the holdout. */
  record Scores(Map<String, Double> values, String error) {
    double get(String k) {
      return values.getOrDefault(k, Double.NaN);
    }

    ObjectNode json() {
      ObjectNode o = ModelBundle.json().createObjectNode();
      if (error != null) {
        o.put("error", error);
      }
      values.forEach((k, v) -> EvaluationReport.put(o, k, v));
      return o;
    }
  }

  private static Scores fitAndScore(GBTClassifier gbt, PipelineModel prep, Dataset<Row> train,
      Dataset<Row> test) {
    Dataset<Row> x = prep.transform(train).select(FEATURES, LABEL).cache();
    try {
      long classes = x.select(LABEL).distinct().count();
      if (classes < 2) {
        return new Scores(Map.of(), "training rows have a single class: no classifier");
      }
      GBTClassificationModel model = gbt.fit(x);
      Dataset<Row> scored = model.transform(test)
          .select(functions.vector_to_array(col("probability"), "float64").getItem(1)
              .as("score"), col(LABEL)).cache();
      try {
        BinaryClassificationMetrics m = new BinaryClassificationMetrics(scored.javaRDD()
            .map(r -> new Tuple2<Object, Object>(r.getDouble(0), r.getDouble(1))).rdd());
        List<Tuple2<Object, Object>> pr = m.pr().toJavaRDD().collect();
        double[] recall = new double[pr.size()];
        double[] precision = new double[pr.size()];
        for (int i = 0; i < pr.size(); i++) {
          recall[i] = (Double) pr.get(i)._1();
          precision[i] = (Double) pr.get(i)._2();
        }
        Column predicted = col("score").geq(0.5);
        Column actual = col(LABEL).equalTo(1.0);
        Row c = scored.agg(sum(when(predicted.and(actual), 1).otherwise(0)),
            sum(when(predicted, 1).otherwise(0)), sum(when(actual, 1).otherwise(0)),
            org.apache.spark.sql.functions.count(lit(1))).first();
        double tp = c.getLong(0);
        double predPos = c.getLong(1);
        double actPos = c.getLong(2);
        double p = predPos == 0 ? 0 : tp / predPos;
        double r = actPos == 0 ? 0 : tp / actPos;
        Map<String, Double> v = new java.util.LinkedHashMap<>();
        v.put("roc_auc", m.areaUnderROC());
        v.put("pr_auc", Distributions.averagePrecision(recall, precision));
        v.put("f1", p + r == 0 ? 0 : 2 * p * r / (p + r));
        v.put("recall", r);
        v.put("precision", p);
        v.put("predicted_positive_rate", predPos / c.getLong(3));
        m.unpersist();
        return new Scores(v, null);
      } finally {
        scored.unpersist();
      }
    } finally {
      x.unpersist();
    }
  }
}
