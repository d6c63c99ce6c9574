package io.synthgen.model.nn;

import org.nd4j.linalg.factory.Nd4j;

/**
 * The native threads ND4J computes with in this JVM: its op thread pool and its BLAS threads.
 * ND4J sizes both from the machine's cores, which Spark does not know about: two tasks on an
 * executor would each use as many threads as the machine has cores.
 *
 * @implNote In ND4J 1.0.0-M2.1, {@code Environment.setMaxThreads} is a no-op: the op pool is
 *     sized once, from {@code OMP_NUM_THREADS} when the JVM starts (so executors get it through
 *     {@code spark.executorEnv.OMP_NUM_THREADS}); only the BLAS thread count can change at run
 *     time.
 */
public final class NativeThreads {
  private NativeThreads() {}

  /** Sets the BLAS threads to {@code threads}; returns whether that changed anything. */
  public static synchronized boolean limitBlasTo(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (Nd4j.factory().blas().getMaxThreads() == threads) {
      return false;
    }
    Nd4j.factory().blas().setMaxThreads(threads);
    return true;
  }

  /** BLAS threads now. */
  public static int blasThreads() {
    return Nd4j.factory().blas().getMaxThreads();
  }

  /** Threads of ND4J's op pool, fixed at JVM start ({@code OMP_NUM_THREADS}). */
  public static int poolThreads() {
    return Nd4j.getEnvironment().maxThreads();
  }
}
