/**
 * The scheduled augmentation pipeline: {@link io.synthgen.jobs.pipeline.PipelineRun} strings the
 * train and generate (with evaluate) jobs of one run date together in one Spark session, calling
 * {@code job.TrainJob} and {@code job.GenerateJob} directly; the shelf of dated models it reuses
 * or adds to ({@link io.synthgen.jobs.pipeline.ModelShelf}) and the date partition it publishes
 * whole ({@link io.synthgen.jobs.pipeline.DatePartition}).
 *
 * <p>May use {@code job}, {@code family} (a bundle's class counts), {@code io} and {@code
 * runtime}; used by the runner only.
 */
package io.synthgen.jobs.pipeline;
