/**

 * The evaluate job: {@link io.synthgen.jobs.evaluate.EvaluationJob} asks the bundle's {@link
 * io.synthgen.jobs.evaluate.BundleEvaluator} to fill an {@link
 * io.synthgen.jobs.evaluate.EvaluationReport} (the report model), assembles provenance and gates
 * into {@code report.json}, and writes it with {@code report.html}, all or nothing.
 *
 * <p>May use {@code io}, {@code runtime} and {@code report}; knows no model family.
 */
package io.synthgen.jobs.evaluate;
