package io.synthgen.jobs.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.image.ClassifierSummary;
import io.synthgen.image.DigitClassifier;
import io.synthgen.image.DigitImages;
import io.synthgen.image.FrechetDistance;
import io.synthgen.image.ImageGrid;
import io.synthgen.image.NearestImages;
import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.jobs.io.DigitReader;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.runtime.JobDescriptions;
import io.synthgen.jobs.runtime.TaskResources;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.Options;
import io.synthgen.model.eval.Distributions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark stages of the image evaluation: the project's digit classifier
 * ({@link DigitClassifierFamily}) scores every generated and every reference image on the
 * executors (classifier-FID against the holdout, or the real images without one; predicted class
 * histogram; mean max probability; inception score; accuracy on intended labels), and a sample of
 * generated and holdout images is compared with every real image for nearest-neighbour distances
 * (memorization: generated images closer to a real training image than the holdout's 1st
 * percentile). Definitions are those of {@code shared/eval/image_eval.py}.
 */
final class DigitEvaluator {
  private static final Logger LOG = LoggerFactory.getLogger(DigitEvaluator.class);
  private static final int GRID = 10;

  private DigitEvaluator() {}

  static void evaluate(SparkSession spark, EvaluateRequest req, EvaluationReport report)
      throws Exception {
    long t = System.nanoTime();
    LOG.info("evaluate images: real={} synthetic={} holdout={} classifier={} seed={}",
        req.real(), req.synthetic(), req.holdout(), req.classifierDir(), req.seed());
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (req.classifierDir() == null) {
      throw new InvalidInputException("option '--classifier' is missing: image evaluation needs "
          + "a digit classifier; train one with 'synth train --model digit-classifier --input "
          + "REAL_DIGITS --model-dir DIR' and pass --classifier DIR");
    }
    ModelBundle clf = ModelBundle.read(new HadoopBundleStore(req.classifierDir(), conf));
    if (!DigitClassifierFamily.NAME.equals(clf.model())) {
      throw new InvalidInputException("option '--classifier' names '" + req.classifierDir()
          + "', a '" + clf.model() + "' bundle: give a digit-classifier bundle");
    }
    int workers = sc.defaultParallelism();
    Options readOptions = Options.builder(DigitReader.SPECS).build();
    JobDescriptions.Scope stage = JobDescriptions.describe(spark, "evaluate: load images");
    JavaRDD<DigitImages> syn = load(spark, req.synthetic(), "synthetic", "--synthetic",
        readOptions, workers, req.seed());
    JavaRDD<DigitImages> real = load(spark, req.real(), "real", "--real", readOptions, workers,
        req.seed());
    JavaRDD<DigitImages> hold = req.holdout() == null ? null : load(spark, req.holdout(),
        "holdout", "--holdout", readOptions, workers, req.seed());
    try {
      t = report.timing("load", t);
      stage.rename("evaluate: classifier scores");
      Broadcast<float[]> weights = sc.broadcast(clf.tensors().get(DigitClassifier.WEIGHTS));
      ClassifierSummary s = summarize(syn, weights);
      ClassifierSummary ref = summarize(hold != null ? hold : real, weights);
      weights.destroy();
      ObjectNode im = ModelBundle.json().createObjectNode();
      im.put("classifier", req.classifierDir());
      im.put("n_samples", s.count());
      im.put("fid_reference", hold != null ? "holdout" : "real");
      im.put("n_reference", ref.count());
      double fid = FrechetDistance.between(s.moments(), ref.moments());
      double[] hist = s.classShares();
      long covered = Arrays.stream(hist).filter(h -> h >= 0.05).count();
      double kl = Distributions.klFromUniform(hist);
      EvaluationReport.put(im, "classifier_fid", fid);
      im.set("class_hist", array(hist));
      im.put("classes_ge_5pct", covered);
      EvaluationReport.put(im, "kl_from_uniform", kl);
      EvaluationReport.put(im, "mean_max_prob", s.meanMaxProbability());
      EvaluationReport.put(im, "inception_score", s.inceptionScore());
      im.set("real_class_hist", array(ref.classShares()));
      EvaluationReport.put(im, "real_classifier_accuracy", ref.labelAccuracy());
      report.metric("classifier_fid", fid);
      report.metric("classes_ge_5pct", covered);
      report.metric("kl_from_uniform", kl);
      report.metric("mean_max_prob", s.meanMaxProbability());
      report.metric("inception_score", s.inceptionScore());
      report.metric("real_classifier_accuracy", ref.labelAccuracy());
      if (s.labelled()) {
        EvaluationReport.put(im, "label_accuracy", s.labelAccuracy());
        im.set("label_accuracy_per_class", array(s.labelAccuracyPerClass()));
        report.metric("label_accuracy", s.labelAccuracy());
      }
      t = report.timing("classifier_scores", t);
      stage.rename("evaluate: privacy");
      memorization(sc, syn, real, hold, req, im, report);
      t = report.timing("nearest_real", t);
      stage.rename("evaluate: image grids");
      grids(syn, hold != null ? hold : real, report);
      report.section("images", im);
      report.timing("images", t);
    } finally {
      syn.unpersist(false);
      real.unpersist(false);
      if (hold != null) {
        hold.unpersist(false);
      }
      stage.close();
    }
  }

  private static JavaRDD<DigitImages> load(SparkSession spark, String path, String role,
      String flag, Options o, int workers, long seed) throws Exception {
    Path p = new Path(path);
    if (!p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
      throw new InvalidInputException(role + " images '" + path + "' do not exist: check "
          + flag);
    }
    try {
      return DigitReader.load(spark, path, null, o, workers, Seeds.derive(seed, Seeds.SAMPLE))
          .partitions();
    } catch (InvalidInputException e) {
      throw new InvalidInputException(role + " images (" + flag + "): " + e.getMessage(), e);
    }
  }

  private static ClassifierSummary summarize(JavaRDD<DigitImages> images,
      Broadcast<float[]> weights) {
    return images.mapPartitions(it -> {
      TaskResources.bindNativeThreads();
      DigitClassifier.Scorer scorer = new DigitClassifier.Scorer(weights.value());
      ClassifierSummary sum = new ClassifierSummary();
      while (it.hasNext()) {
        DigitImages part = it.next();
        if (part.count() > 0) {
          sum.add(scorer.score(part), part.labels());
        }
      }
      return List.of(sum).iterator();
    }).reduce(ClassifierSummary::merge);
  }

  /** Nearest-real-image distances of sampled generated (and holdout) images. */
  private static void memorization(JavaSparkContext sc, JavaRDD<DigitImages> syn,
      JavaRDD<DigitImages> real, JavaRDD<DigitImages> hold, EvaluateRequest req, ObjectNode im,
      EvaluationReport report) {
    List<byte[]> synSample = sample(syn, req.dcrSample(), Seeds.derive(req.seed(),
        Seeds.SAMPLE, 1));
    List<byte[]> holdSample = hold == null ? List.of() : sample(hold, req.dcrSample(),
        Seeds.derive(req.seed(), Seeds.SAMPLE, 2));
    int nq = synSample.size() + holdSample.size();
    byte[] queries = new byte[nq * DigitImages.PIXELS];
    int q = 0;
    for (byte[] img : synSample) {
      System.arraycopy(img, 0, queries, q++ * DigitImages.PIXELS, DigitImages.PIXELS);
    }
    for (byte[] img : holdSample) {
      System.arraycopy(img, 0, queries, q++ * DigitImages.PIXELS, DigitImages.PIXELS);
    }
    Broadcast<byte[]> bq = sc.broadcast(queries);
    double[] dist = real.treeAggregate(new NearestImages(nq),
        (acc, part) -> acc.offer(bq.value(), part), NearestImages::merge).distances();
    bq.destroy();
    double[] ds = Arrays.copyOfRange(dist, 0, synSample.size());
    double[] dh = Arrays.copyOfRange(dist, synSample.size(), nq);
    Arrays.sort(ds);
    Arrays.sort(dh);
    im.put("n_nearest_sampled", ds.length);
    im.put("n_holdout_nearest_sampled", dh.length);
    double median = Distributions.percentile(ds, 50);
    EvaluationReport.put(im, "nn_real_l2_median", median);
    report.metric("nn_real_l2_median", median);
    if (dh.length > 0) {
      double threshold = req.dcrThreshold() != null ? req.dcrThreshold()
          : Distributions.percentile(dh, 1);
      double share = Arrays.stream(ds).filter(d -> d < threshold).count() / (double) ds.length;
      EvaluationReport.put(im, "memorization_threshold_l2", threshold);
      EvaluationReport.put(im, "memorized_share", share);
      EvaluationReport.put(im, "holdout_nn_real_l2_median", Distributions.percentile(dh, 50));
      report.metric("memorized_share", share);
    } else {
      im.put("memorized_share", "needs --holdout (threshold: the holdout's 1st-percentile "
          + "nearest-real distance)");
    }
  }

  private static List<byte[]> sample(JavaRDD<DigitImages> images, int n, long seed) {
    return images.flatMap(p -> {
      List<byte[]> out = new ArrayList<>(p.count());
      for (int i = 0; i < p.count(); i++) {
        out.add(p.image(i));
      }
      return out.iterator();
    }).takeSample(false, n, seed);
  }

  private static ArrayNode array(double[] v) {
    ArrayNode a = ModelBundle.json().createArrayNode();
    for (double d : v) {
      a.add(EvaluationReport.number(d));
    }
    return a;
  }

  /** Grids of the first generated and real images for the page. */
  static void grids(JavaRDD<DigitImages> syn, JavaRDD<DigitImages> real,
      EvaluationReport report) {
    report.image("generated samples", ImageGrid.render(first(syn), GRID, GRID));
    report.image("real samples", ImageGrid.render(first(real), GRID, GRID));
  }

  private static DigitImages first(JavaRDD<DigitImages> images) {
    List<DigitImages> parts = new ArrayList<>();
    int have = 0;
    for (DigitImages p : images.take(images.getNumPartitions())) {
      parts.add(p);
      have += p.count();
      if (have >= GRID * GRID) {
        break;
      }
    }
    DigitImages all = DigitImages.concat(parts);
    int n = Math.min(GRID * GRID, all.count());
    return new DigitImages(Arrays.copyOf(all.pixels(), n * DigitImages.PIXELS),
        all.labels() == null ? null : Arrays.copyOf(all.labels(), n));
  }

}
