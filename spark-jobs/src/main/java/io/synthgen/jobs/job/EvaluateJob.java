package io.synthgen.jobs.job;

import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.jobs.evaluate.EvaluationJob;
import io.synthgen.jobs.io.HadoopBundleStore;
import io.synthgen.jobs.io.OutputPaths;
import io.synthgen.jobs.runtime.JobDescriptions;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The evaluate job: scores generated against real data with the bundle's family into
 * {@code report.json} and {@code report.html}, and checks the gates ({@link EvaluationJob}). Runs
 * on the caller's Spark session (which the caller stops); {@link #of} checks the request
 * without Spark.
 */
public final class EvaluateJob {
  private final Request request;

  /**
   * What to evaluate.
   *
   * @param modelDir the model bundle's directory
   * @param synthetic the generated data
   * @param seed the evaluation's seed; null: the model's
   * @param conditions the conditions the rows were generated under (empty: none)
   * @param evaluation real data, report directory, gates and sample sizes
   */
  public record Request(String modelDir, String synthetic, Long seed, List<String> conditions,
      Evaluation evaluation) {
    public Request {
      conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }
  }

  private EvaluateJob(Request request) {
    this.request = request;
  }

  /** The checked job of {@code request}: it needs a report directory. */
  public static EvaluateJob of(Request request) {
    if (request.evaluation().report() == null) {
      throw new InvalidInputException("option '--report' is missing: give a directory for "
          + "report.json and report.html");
    }
    return new EvaluateJob(request);
  }

  /**
   * Evaluates on {@code spark}; returns the exit code, 0, or 3 when a gate failed (the report
   * is written either way).
   */
  public int run(SparkSession spark) throws Exception {
    Evaluation evaluation = request.evaluation();
    Map<String, String> inputs = evaluation.inputs(request.modelDir());
    inputs.put("--synthetic", request.synthetic());
    OutputPaths.refuseOverlap("--report", evaluation.report(), inputs,
        spark.sparkContext().hadoopConfiguration());
    long s = request.seed() != null ? request.seed() : ModelBundle.read(new HadoopBundleStore(
        request.modelDir(), spark.sparkContext().hadoopConfiguration())).seed();
    return evaluate(spark, request.modelDir(), evaluation.request(request.synthetic(), s,
        request.conditions()), evaluation);
  }

  /**
   * Runs the evaluation {@code req} of the bundle in {@code modelDir} into the report directory
   * and gates of {@code evaluation}, its Spark work described as {@code evaluate} (sections
   * name their own); returns the exit code.
   */
  static int evaluate(SparkSession spark, String modelDir, EvaluateRequest req,
      Evaluation evaluation) throws Exception {
    try (JobDescriptions.Scope d = JobDescriptions.describe(spark, "evaluate")) {
      return EvaluationJob.run(spark, modelDir, ModelRegistry.evaluators(modelDir), req,
          evaluation.report(), evaluation.gates(), evaluation.overwriteReport());
    }
  }
}
