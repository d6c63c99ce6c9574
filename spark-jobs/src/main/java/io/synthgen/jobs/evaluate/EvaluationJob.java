package io.synthgen.jobs.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.jobs.io.AtomicOutput;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.report.ReportCharts;
import io.synthgen.jobs.runtime.ExitCodes;
import io.synthgen.jobs.report.ReportPage;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.privacy.PrivacyLedger;
import io.synthgen.model.eval.QualityGate;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluate job: has the model's family evaluate real against synthetic data, writes
 * {@code report.json} and {@code report.html} into the report directory (all or nothing), and
 * checks the quality gates. Exit status: 0 all gates passed, {@value #EXIT_GATE_FAILED} a gate
 * failed (the report is still written, so a person can see why).
 */
public final class EvaluationJob {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluationJob.class);
  public static final int EXIT_GATE_FAILED = ExitCodes.GATE_FAILED;
  public static final String FORMAT = "synthgen-evaluation-report";
  static final int FORMAT_VERSION = 1;
  static final String JSON_NAME = "report.json";
  static final String HTML_NAME = "report.html";

  private EvaluationJob() {}

  /**
   * Evaluates the bundle in {@code modelDir} with the evaluator {@code evaluators} gives for it,
   * writes the report into {@code reportDir} and checks {@code gateTexts}; returns the exit code.
   */
  public static int run(SparkSession spark, String modelDir,
      Function<ModelBundle, BundleEvaluator> evaluators, EvaluateRequest req, String reportDir,
      List<String> gateTexts, boolean overwrite) throws Exception {
    List<QualityGate> gates = new ArrayList<>();
    for (String g : gateTexts) {
      gates.add(QualityGate.parse(g, "--gate"));
    }
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try (AtomicOutput out = AtomicOutput.open(reportDir, overwrite, hadoop)) {
      ModelBundle bundle = ModelBundle.read(new HadoopBundleStore(modelDir, hadoop));
      BundleEvaluator evaluator = evaluators.apply(bundle);
      LOG.info("evaluate {} model {}: real={} synthetic={} holdout={} seed={}", bundle.model(),
          modelDir, req.real(), req.synthetic(), req.holdout(), req.seed());
      EvaluationReport report = new EvaluationReport();
      long t0 = System.nanoTime();
      evaluator.evaluate(spark, bundle, req, report);
      new java.util.TreeMap<>(req.generation()).forEach(report::metric);
      // the model's differential privacy: NaN (null in report.json) for a model without it
      report.metric("epsilon", PrivacyLedger.epsilonOf(bundle.training().get("privacy")));
      report.timing("total", t0);
      double[] values = new double[gates.size()];
      for (int i = 0; i < gates.size(); i++) {
        values[i] = gates.get(i).valueIn(report.metrics(), "--gate");
      }
      ObjectNode json = assemble(spark, bundle, modelDir, req, report);
      ArrayNode gj = json.putArray("gates");
      List<String> failed = new ArrayList<>();
      for (int i = 0; i < gates.size(); i++) {
        boolean ok = gates.get(i).passes(values[i]);
        ObjectNode g = gj.addObject();
        g.put("gate", gates.get(i).toString());
        g.set("value", EvaluationReport.number(values[i]));
        g.put("passed", ok);
        if (!ok) {
          failed.add(String.format(Locale.ROOT, "%s (value %s)", gates.get(i),
              "epsilon".equals(gates.get(i).metric()) && Double.isNaN(values[i])
                  ? "none: the model was trained without differential privacy; train it with "
                      + "--set privacy.epsilon=E"
                  : ReportCharts.fmt(values[i])));
        }
      }
      json.put("passed", failed.isEmpty());
      FileSystem fs = new Path(out.stagingPath()).getFileSystem(hadoop);
      write(fs, new Path(out.stagingPath(), JSON_NAME), ModelBundle.json()
          .writerWithDefaultPrettyPrinter().writeValueAsString(json));
      write(fs, new Path(out.stagingPath(), HTML_NAME), ReportPage.render(json,
          report.images()));
      out.commit();
      System.out.println(summary(report.metrics()));
      System.out.printf(Locale.ROOT, "evaluation report (%.1f s): %s/%s and %s%n",
          report.timings().get("total"), out.targetPath(), JSON_NAME, HTML_NAME);
      if (!failed.isEmpty()) {
        System.err.println("synth evaluate: gate failed: " + String.join("; ", failed));
        return EXIT_GATE_FAILED;
      }
      if (!gates.isEmpty()) {
        System.out.println("all " + gates.size() + " gates passed");
      }
      return 0;
    }
  }

  private static void write(FileSystem fs, Path p, String text) throws java.io.IOException {
    try (OutputStream o = fs.create(p, true)) {
      o.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static ObjectNode assemble(SparkSession spark, ModelBundle bundle, String modelDir,
      EvaluateRequest req, EvaluationReport report) {
    ObjectNode j = ModelBundle.json().createObjectNode();
    ObjectNode r = j.putObject("report");
    r.put("format", FORMAT);
    r.put("format_version", FORMAT_VERSION);
    r.put("created", Instant.now().toString());
    r.put("spark_version", spark.version());
    r.put("spark_master", spark.sparkContext().master());
    r.put("default_parallelism", spark.sparkContext().defaultParallelism());
    ObjectNode m = j.putObject("model");
    m.put("name", bundle.model());
    m.put("dir", modelDir);
    m.put("seed", bundle.seed());
    m.put("bundle_format_version", ModelBundle.FORMAT_VERSION);
    m.put("rounds", bundle.training().path("round").asInt());
    m.put("training_rows", bundle.training().path("rows").asLong());
    JsonNode privacy = bundle.training().get("privacy");
    m.set("privacy", privacy != null ? privacy : PrivacyLedger.noneJson());
    m.put("training_input", bundle.metadata().path("input").asText(
        bundle.config().getOrDefault("input", "")));
    ObjectNode cfg = m.putObject("config");
    new java.util.TreeMap<>(bundle.config()).forEach(cfg::put);
    ObjectNode in = j.putObject("inputs");
    in.put("real", req.real());
    in.put("synthetic", req.synthetic());
    if (req.holdout() != null) {
      in.put("holdout", req.holdout());
    }
    if (req.classifierDir() != null) {
      in.put("classifier", req.classifierDir());
    }
    j.put("evaluation_seed", req.seed());
    ObjectNode metrics = j.putObject("metrics");
    report.metrics().forEach((k, v) -> metrics.set(k, EvaluationReport.number(v)));
    report.sections().fields().forEachRemaining(e -> j.set(e.getKey(), e.getValue()));
    ObjectNode training = j.putObject("training");
    JsonNode history = bundle.training().path("history");
    training.put("rounds", bundle.training().path("round").asInt());
    training.set("history", history.isMissingNode() ? ModelBundle.json().createArrayNode()
        : history);
    ObjectNode t = j.putObject("timings_s");
    report.timings().forEach((k, v) -> t.put(k, Math.round(v * 100) / 100.0));
    return j;
  }

  private static String summary(Map<String, Double> metrics) {
    StringBuilder sb = new StringBuilder("evaluation:");
    metrics.forEach((k, v) -> sb.append(' ').append(k).append('=')
        .append(ReportCharts.fmt(v)));
    return sb.toString();
  }
}
