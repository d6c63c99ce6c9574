package io.synthgen.jobs.runtime;

import java.util.Iterator;
import org.apache.spark.TaskContext;

/**
 * A test hook for failures no retry heals: when the Spark local property {@value #FAIL_AFTER}
 * is {@code PARTITION:ROWS} on the thread that submits a job, every attempt of that
 * partition's task fails after yielding ROWS rows (mid-write). Used by the tests that check a
 * failed job publishes nothing; jobs never set it.
 */
public final class FaultInjection {
  /** The local property: {@code PARTITION:ROWS}. */
  public static final String FAIL_AFTER = "synth.test.fail-after";

  private FaultInjection() {}

  /** {@code rows}, or a view of it that fails after the configured rows in this task. */
  public static <T> Iterator<T> failingIfInjected(Iterator<T> rows) {
    TaskContext task = TaskContext.get();
    String spec = task == null ? null : task.getLocalProperty(FAIL_AFTER);
    if (spec == null) {
      return rows;
    }
    String[] parts = spec.split(":");
    if (Integer.parseInt(parts[0].trim()) != task.partitionId()) {
      return rows;
    }
    long limit = Long.parseLong(parts[1].trim());
    return new Iterator<T>() {
      private long seen;

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public T next() {
        if (seen++ == limit) {
          throw new IllegalStateException("injected failure (" + FAIL_AFTER + "=" + spec
              + ") in partition " + task.partitionId() + ", attempt " + task.attemptNumber()
              + ", after " + limit + " rows");
        }
        return rows.next();
      }
    };
  }
}
