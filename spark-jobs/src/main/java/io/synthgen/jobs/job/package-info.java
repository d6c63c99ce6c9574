/**
 * The typed jobs the command line and the pipeline run: {@link io.synthgen.jobs.job.TrainJob},
 * {@link io.synthgen.jobs.job.GenerateJob} and {@link io.synthgen.jobs.job.EvaluateJob}, each
 * built from an immutable request ({@code of(request)} checks it and refuses bad input by flag
 * or key, without Spark) and run on a Spark session it is given. The caller opens that session
 * ({@code runtime.SparkSessions}) and stops it, so that the pipeline runs its steps in one
 * session and tests run jobs on their own. Also the explicit {@link
 * io.synthgen.jobs.job.ModelRegistry} of model families, the shared {@link
 * io.synthgen.jobs.job.Evaluation} options, and the generated reference of the config keys
 * ({@link io.synthgen.jobs.job.ConfigReference}).
 *
 * <p>Jobs return what they did (a summary and the line the command prints, or an exit code)
 * and throw {@code InvalidInputException} for bad input; they print nothing themselves, except
 * the evaluation's lines ({@code evaluate.EvaluationJob}).
 *
 * <p>May use the families, {@code family}, {@code train}, {@code evaluate}, {@code io} and
 * {@code runtime}; used by the runner and {@code pipeline}.
 */
package io.synthgen.jobs.job;
