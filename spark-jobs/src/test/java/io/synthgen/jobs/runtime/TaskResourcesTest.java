package io.synthgen.jobs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.nn.NativeThreads;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ND4J's BLAS threads follow the task's cores on real Spark; peak RSS is read from /proc. */
class TaskResourcesTest {
  @ParameterizedTest(name = "spark.task.cpus={0}")
  @ValueSource(ints = {1, 2})
  void executorTasksComputeWithAsManyBlasThreadsAsTheirCores(int taskCpus) {
    NativeThreads.limitBlasTo(taskCpus == 1 ? 2 : 1); // start from the other count
    SparkSession spark = SparkSession.builder().master("local[2]").appName("threads")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.task.cpus", String.valueOf(taskCpus)).getOrCreate();
    try {
      List<Integer> seen = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .parallelize(List.of(1, 2), 2).map(x -> threadsInTask()).collect();
      assertEquals(List.of(taskCpus, taskCpus), seen);
      assertTrue(TaskResources.peakExecutorRssBytes(spark) > 64L << 20,
          "an executor JVM with Spark loaded holds more than 64 MB");
    } finally {
      spark.stop();
    }
  }

  private static int threadsInTask() {
    TaskResources.bindNativeThreads();
    return NativeThreads.blasThreads();
  }
}
