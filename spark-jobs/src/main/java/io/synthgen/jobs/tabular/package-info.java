/**

 * The {@code tabular-gan} family's Spark stages: training ({@link
 * io.synthgen.jobs.tabular.TabularGanFamily}), generation to Parquet or CSV, and the table
 * evaluation ({@link io.synthgen.jobs.tabular.TableEvaluator}: conform and profile, then fidelity,
 * validity, privacy with its attacks ({@link io.synthgen.jobs.tabular.PrivacyAttacks}) and utility
 * sections). The math lives in the {@code model} and {@code tabular}
 * modules.
 *
 * <p>May use {@code family}, {@code train}, {@code io} and {@code evaluate}; not the other family.
 */
package io.synthgen.jobs.tabular;
