package io.synthgen.jobs.train;

/**
 * What a train job did.
 *
 * @param rows training rows (or images)
 * @param workers data-parallel workers
 * @param rounds averaging rounds run by this job (a resumed job counts only its own)
 * @param preprocessingSeconds reading, profiling and fitting the transformer
 * @param trainingSeconds the averaging rounds, checkpoints included
 * @param rowsPerSecond rows consumed by all workers per second of training
 * @param modelDir where the bundle was written
 */
public record TrainSummary(long rows, int workers, int rounds, double preprocessingSeconds,
    double trainingSeconds, double rowsPerSecond, String modelDir) {}
