/**
 * The job runner: the {@code synth} command line ({@link io.synthgen.jobs.SynthRunner} and one
 * class per sub-command). A command parses its flags into a typed request of a job ({@code
 * io.synthgen.jobs.job}) or of the pipeline ({@code io.synthgen.jobs.pipeline.PipelineRun}),
 * opens the Spark session ({@code io.synthgen.jobs.runtime.SparkSessions}), runs the job and
 * prints what it did; {@link io.synthgen.jobs.SynthRunner} maps failures to exit codes ({@code
 * runtime.ExitCodes}).
 *
 * <p>May use every {@code io.synthgen.jobs} sub-package; nothing depends on this package.
 */
package io.synthgen.jobs;
