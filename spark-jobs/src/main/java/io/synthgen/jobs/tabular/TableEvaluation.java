package io.synthgen.jobs.tabular;

import io.synthgen.jobs.evaluate.EvaluateRequest;
import io.synthgen.jobs.evaluate.EvaluationReport;
import io.synthgen.tabular.TableMetadata;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * What every section of a table evaluation reads: the session, the model's table description
 * (numeric columns first, then categorical ones, the order of {@link ConformedTable}), the request
 * and the report being built.
 */
record TableEvaluation(SparkSession spark, TableMetadata meta, EvaluateRequest request,
    EvaluationReport report) {
  List<String> numeric() {
    return meta.numeric();
  }

  List<String> categorical() {
    return meta.categorical();
  }

  /** Number of numeric columns: the index of the first categorical column in a conformed row. */
  int nNum() {
    return meta.numeric().size();
  }
}
