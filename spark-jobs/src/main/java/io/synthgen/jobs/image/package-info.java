/**

 * The digit families' Spark stages: {@code digit-dcgan} ({@link
 * io.synthgen.jobs.image.DigitDcganFamily}: training with sample grids, generation, latent walks)
 * and {@code digit-classifier}, and the image evaluation ({@link
 * io.synthgen.jobs.image.DigitEvaluator}). The networks live in the {@code image} module.
 *
 * <p>May use {@code family}, {@code train}, {@code io}, {@code evaluate} and {@code runtime}; not
 * the other family.
 */
package io.synthgen.jobs.image;
