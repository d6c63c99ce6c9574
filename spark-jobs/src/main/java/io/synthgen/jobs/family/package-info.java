/**

 * The contract between the runner and a model family: {@link
 * io.synthgen.jobs.family.SparkModelFamily} (options, train, generate, evaluate) and {@link
 * io.synthgen.jobs.family.LatentSpaceExplorer}, with their requests and summaries.
 *
 * <p>May use {@code train} and {@code evaluate} (the types the contract speaks in); used by the
 * runner and the families.
 */
package io.synthgen.jobs.family;
