/**
 * What every job runs on: the Spark session ({@link io.synthgen.jobs.runtime.SparkSessions}:
 * master, cluster secret, executors' OpenMP threads and JVM options, recognising an application a
 * cluster refused or lost), the names of the Spark work a job starts ({@link
 * io.synthgen.jobs.runtime.JobDescriptions}), the exit codes and how a failed job is reported
 * ({@link io.synthgen.jobs.runtime.ExitCodes}), the release ({@link
 * io.synthgen.jobs.runtime.Versions}), and the native ND4J runtime: the build chosen before ND4J
 * loads ({@link io.synthgen.jobs.runtime.NativeBackend}), an executor task's threads, GPU and peak
 * memory ({@link io.synthgen.jobs.runtime.TaskResources}), and the failure-injection hook of the
 * tests ({@link io.synthgen.jobs.runtime.FaultInjection}).
 *
 * <p>The native side also has parts that cannot live here: {@code io.synthgen.model.nn.NativeThreads}
 * (BLAS and OpenMP threads) and {@code io.synthgen.model.nn.ComputeDevice} (CPU or GPU) in the
 * {@code model} module, which this package calls, and the class {@code
 * org.nd4j.nativeblas.Nd4jCpu} in the {@code image} module: a shim under ND4J's old class name,
 * which DL4J 1.0.0-M2.1 looks up to decide whether its oneDNN layer helpers load (its package is
 * the name DL4J asks for; see its Javadoc).
 *
 * <p>Uses no other {@code io.synthgen.jobs} package: every other one may use it, except {@code io}
 * and {@code report}.
 */
package io.synthgen.jobs.runtime;
