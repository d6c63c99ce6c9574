package io.synthgen.jobs.runtime;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Names the Spark work a job starts: the description Spark shows for every Spark job (and SQL
 * query) submitted from this thread, in the Spark UI, the event log and the history server, such
 * as {@code train tabular-gan round 12/180} or {@code evaluate: privacy}. A description is in
 * force while its {@link Scope} is open; closing it restores the description before it, so
 * stages of a job can name their own work inside the job's name:
 *
 * <pre>{@code
 * try (JobDescriptions.Scope d = JobDescriptions.describe(spark, "generate tabular-gan: write 1000 rows")) {
 *   df.write().parquet(path);
 * }
 * }</pre>
 *
 * <p>The description is Spark's thread-local property {@value #PROPERTY} ({@link
 * SparkContext#setJobDescription}): it applies to jobs submitted from the thread that opened the
 * scope (and threads it starts).
 */
public final class JobDescriptions {
  /** Spark's local property of a job's description ({@code SparkContext.SPARK_JOB_DESCRIPTION}). */
  public static final String PROPERTY = "spark.job.description";

  private JobDescriptions() {}

  /** An open description; {@link #close} restores the one before it. */
  public static final class Scope implements AutoCloseable {
    private final SparkContext sc;
    private final String previous;
    private boolean closed;

    private Scope(SparkContext sc, String previous) {
      this.sc = sc;
      this.previous = previous;
    }

    /** Replaces the description of this scope (e.g. the next round of a loop). */
    public void rename(String text) {
      sc.setLocalProperty(PROPERTY, text);
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        sc.setLocalProperty(PROPERTY, previous); // null removes it
      }
    }
  }

  /** Describes the Spark jobs of this thread as {@code text} until the scope is closed. */
  public static Scope describe(SparkContext sc, String text) {
    String previous = sc.getLocalProperty(PROPERTY);
    sc.setLocalProperty(PROPERTY, text);
    return new Scope(sc, previous);
  }

  /** As {@link #describe(SparkContext, String)}. */
  public static Scope describe(JavaSparkContext sc, String text) {
    return describe(sc.sc(), text);
  }

  /** As {@link #describe(SparkContext, String)}. */
  public static Scope describe(SparkSession spark, String text) {
    return describe(spark.sparkContext(), text);
  }

  /** The description in force on this thread, or null. */
  public static String current(SparkSession spark) {
    return spark.sparkContext().getLocalProperty(PROPERTY);
  }

  /** Work that returns a value and may fail. */
  @FunctionalInterface
  public interface Action<T> {
    T call() throws Exception;
  }

  /** Runs {@code action} with its Spark jobs described as {@code text}; returns its value. */
  public static <T> T run(SparkSession spark, String text, Action<T> action) throws Exception {
    try (Scope ignored = describe(spark, text)) {
      return action.call();
    }
  }
}
