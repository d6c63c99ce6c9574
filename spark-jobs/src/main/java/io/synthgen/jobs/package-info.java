/**

 * The job runner: the {@code synth} command line ({@link io.synthgen.jobs.SynthRunner} and one
 * class per sub-command), the Spark session it starts, the explicit {@link
 * io.synthgen.jobs.ModelRegistry} of model families, and the choice of the native ND4J build.
 *
 * <p>May use every {@code io.synthgen.jobs} sub-package; nothing depends on this package.
 */
package io.synthgen.jobs;
