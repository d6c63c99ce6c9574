package io.synthgen.jobs;

import io.synthgen.jobs.evaluate.EvaluationJob;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.io.OutputPaths;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code synth evaluate}: scores generated against real data (see {@code EvaluationJob}). */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score synthetic against real data on Spark (fidelity, validity, utility, "
        + "privacy; for images classifier-FID, coverage, confidence, memorization) into "
        + "report.json and a self-contained report.html; --gate makes it a pipeline check "
        + "(exit 3 when a gate fails).")
final class EvaluateCommand extends SynthRunner.Common implements Callable<Integer> {
  @Option(names = "--model-dir", paramLabel = "DIR", required = true,
      description = "model bundle directory written by train") String modelDir;
  @Option(names = "--synthetic", paramLabel = "PATH", required = true,
      description = "generated data (a generate job's output)") String synthetic;
  @Option(names = "--seed", description = "seed of the evaluation's samples (default: the "
      + "model's seed)") Long seed;
  @Option(names = "--condition", paramLabel = "COLUMN=VALUE", description = "the condition "
      + "the synthetic rows were generated under: tables are compared with the real rows of "
      + "that value only (default: none, all rows)") String condition;
  @CommandLine.Mixin
  EvaluationOptions evaluation = new EvaluationOptions();

  @Override
  public Integer call() throws Exception {
    if (evaluation.report == null) {
      throw new InvalidInputException("option '--report' is missing: give a directory for "
          + "report.json and report.html");
    }
    SparkSession spark = SynthRunner.session("evaluate", master);
    try {
      Map<String, String> inputs = evaluation.inputs(modelDir);
      inputs.put("--synthetic", synthetic);
      OutputPaths.refuseOverlap("--report", evaluation.report, inputs,
          spark.sparkContext().hadoopConfiguration());
      long s = seed != null ? seed : ModelBundle.read(new HadoopBundleStore(modelDir,
          spark.sparkContext().hadoopConfiguration())).seed();
      return EvaluationJob.run(spark, modelDir, ModelRegistry.evaluators(modelDir),
              evaluation.request(synthetic, s, condition),
          evaluation.report, evaluation.gates, evaluation.overwriteReport);
    } finally {
      spark.stop();
    }
  }
}
