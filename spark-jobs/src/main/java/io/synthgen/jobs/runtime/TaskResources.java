package io.synthgen.jobs.runtime;

import io.synthgen.model.nn.NativeThreads;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an executor task may use and what it used: ND4J's native threads bound to the task's
 * cores ({@link #bindNativeThreads}), and the executors' peak resident memory (heap, ND4J's
 * off-heap buffers and native code together, which is what a cluster manager kills executors
 * for).
 */
public final class TaskResources {
  private static final Logger LOG = LoggerFactory.getLogger(TaskResources.class);

  private TaskResources() {}

  private static volatile boolean warned;
  private static volatile boolean deviceLogged;

  /**
   * Called first in every executor function that computes with ND4J: sets the BLAS threads to
   * this task's cores ({@code spark.task.cpus}, 1 by default), and warns once per JVM when ND4J's
   * op pool, sized at JVM start from {@code OMP_NUM_THREADS}, is larger (the runner sets
   * {@code spark.executorEnv.OMP_NUM_THREADS} to the task's cores unless given).
   */
  public static void bindNativeThreads() {
    TaskContext task = TaskContext.get();
    if (!deviceLogged) {
      deviceLogged = true;
      LOG.info("executor computes on: {}", io.synthgen.model.nn.ComputeDevice.describe());
    }
    if (task != null && task.resources().contains("gpu")) {
      String[] gpus = task.resources().apply("gpu").addresses();
      if (gpus.length > 0) {
        io.synthgen.model.nn.ComputeDevice.useDevice(Integer.parseInt(gpus[0].trim()));
      }
    }
    int cpus = task == null ? 1 : Math.max(1, task.cpus());
    if (NativeThreads.limitBlasTo(cpus)) {
      LOG.info("ND4J BLAS threads set to {} (spark.task.cpus of this task)", cpus);
    }
    int pool = NativeThreads.poolThreads();
    if (pool > cpus && !warned) {
      warned = true;
      LOG.warn("ND4J's op thread pool has {} threads but each task has {} core(s): concurrent "
          + "tasks oversubscribe the executor; set spark.executorEnv.OMP_NUM_THREADS={} (or "
          + "OMP_NUM_THREADS in a local driver's environment)", pool, cpus, cpus);
    }
  }

  /** The largest VmHWM (peak resident set) over the executor JVMs, in bytes; 0 without /proc. */
  public static long peakExecutorRssBytes(SparkSession spark) {
    int slots = Math.max(1, spark.sparkContext().defaultParallelism());
    List<Long> peaks;
    try (JobDescriptions.Scope d = JobDescriptions.describe(spark, "peak executor memory")) {
      peaks = spark.range(0, slots, 1, slots).toJavaRDD().mapPartitions(new PeakRss()).collect();
    }
    return peaks.stream().mapToLong(Long::longValue).max().orElse(0);
  }

  /** Reads this JVM's VmHWM from /proc (0 where there is no /proc). */
  static final class PeakRss implements FlatMapFunction<java.util.Iterator<Long>, Long>,
      Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public java.util.Iterator<Long> call(java.util.Iterator<Long> ignored) throws IOException {
      Path status = Path.of("/proc/self/status");
      long kb = 0;
      if (Files.isReadable(status)) {
        for (String line : Files.readAllLines(status)) {
          if (line.startsWith("VmHWM:")) {
            kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      }
      return List.of(kb * 1024).iterator();
    }
  }
}
