package io.synthgen.jobs;

import io.synthgen.jobs.job.EvaluateJob;
import io.synthgen.jobs.io.DirectoryLease;
import io.synthgen.jobs.runtime.SparkSessions;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code synth evaluate}: scores generated against real data ({@link EvaluateJob}). */
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
  @Option(names = "--condition", paramLabel = "CONDITION", description = "a condition the "
      + "synthetic rows were generated under (generate's grammar; repeatable): tables are "
      + "compared with the real rows that meet all of them (default: none, all rows)")
  java.util.List<String> conditions = new java.util.ArrayList<>();
  @CommandLine.Mixin
  SynthRunner.EvaluationOptions evaluation = new SynthRunner.EvaluationOptions();

  @Override
  public Integer call() throws Exception {
    EvaluateJob job = EvaluateJob.of(new EvaluateJob.Request(modelDir, synthetic, seed,
        conditions, evaluation.evaluation()));
    try (DirectoryLease report = DirectoryLease.acquire(evaluation.evaluation().report(),
        "--report", "evaluate", java.time.Duration.ZERO,
        new org.apache.hadoop.conf.Configuration())) {
      SparkSession spark = SparkSessions.open("evaluate", master);
      try {
        return job.run(spark);
      } finally {
        spark.stop();
      }
    }
  }
}
