package io.synthgen.jobs.runtime;

import io.synthgen.model.InvalidInputException;
import java.io.PrintStream;

/**
 * The exit codes of every job, for schedulers and scripts, and how a failed job is reported:
 * {@value #DONE} done, {@value #INTERNAL} internal error (retrying may help), {@value #BAD_INPUT}
 * bad input or usage (the message names the file, column or option and the fix; retrying will
 * not help), {@value #GATE_FAILED} a quality gate failed, {@value #BUSY} busy: another job
 * holds the lease of a directory this one writes (retry later; nothing was written).
 */
public final class ExitCodes {
  public static final int DONE = 0;
  public static final int INTERNAL = 1;
  public static final int BAD_INPUT = 2;
  public static final int GATE_FAILED = 3;
  public static final int BUSY = 4;

  private ExitCodes() {}

  /**
   * Reports the failure {@code ex} of job {@code job} on {@code err} and returns its exit code:
   * a refused input ({@link InvalidInputException} anywhere in the cause chain) or a Spark
   * application the cluster refused or lost is {@value #BAD_INPUT}, with its message only (and
   * the stack trace when {@code verbose}); anything else is {@value #INTERNAL}, with the stack
   * trace. The lines read {@code synth JOB: error: ...} and {@code synth JOB: internal error:
   * ...}.
   */
  public static int report(String job, Throwable ex, boolean verbose, PrintStream err) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof io.synthgen.model.ResourceBusyException) {
        err.println("synth " + job + ": busy: " + t.getMessage());
        return BUSY;
      }
    }
    Throwable root = ex;
    while (root != null && !(root instanceof InvalidInputException)) {
      root = root.getCause();
    }
    // the master refused or lost this client (e.g. no cluster secret) and Spark stopped the
    // application under the job, wherever the job happened to be
    String message = root != null ? root.getMessage()
        : SparkSessions.applicationStopped(ex) ? "option '--master': the Spark application "
            + "could not start or stopped before the job finished: check the master URL, that "
            + "the cluster runs, and, for an authenticated cluster, that this client has its "
            + "secret (scripts/cluster keeps it in .cluster/secret)" : null;
    if (message != null) {
      err.println("synth " + job + ": error: " + message);
      if (verbose) {
        ex.printStackTrace(err);
      }
      return BAD_INPUT;
    }
    err.println("synth " + job + ": internal error: " + ex);
    ex.printStackTrace(err);
    return INTERNAL;
  }
}
