/**
 * The scheduled augmentation pipeline's file-system side: the shelf of dated models it reuses
 * or adds to ({@link io.synthgen.jobs.pipeline.ModelShelf}) and the date partition it
 * publishes whole ({@link io.synthgen.jobs.pipeline.DatePartition}). The runner's
 * {@code pipeline} job strings the train, generate and evaluate jobs between them.
 *
 * <p>Uses {@code io.synthgen.jobs.io} only.
 */
package io.synthgen.jobs.pipeline;
