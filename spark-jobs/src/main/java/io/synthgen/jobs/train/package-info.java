/**

 * Data-parallel training shared by every model family: the {@link
 * io.synthgen.jobs.train.AveragingTrainer} (broadcast, local steps on each partition, tree
 * aggregate, average), the {@link io.synthgen.jobs.train.TrainingSession} (model directory, resume,
 * round schedule, history, checkpoints) and the train job's keys ({@link
 * io.synthgen.jobs.train.TrainOptions}).
 *
 * <p>May use {@code io} and {@code runtime} (task resources, job descriptions); knows no model
 * family (a family hands it a plan of partitions and a {@code LocalTrainer}).
 */
package io.synthgen.jobs.train;
