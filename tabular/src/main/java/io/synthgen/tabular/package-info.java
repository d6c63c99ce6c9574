/**
 * The table models ({@code tabular-gan}, {@code gaussian-copula}) and their math, without Spark.
 * This package holds the types every room shares: {@link io.synthgen.tabular.TableMetadata}
 * (label, positive class, column roles), {@link io.synthgen.tabular.ValueType},
 * {@link io.synthgen.tabular.EncodedTable} (a partition's rows as the networks see them) and
 * seeded {@link io.synthgen.tabular.Permutations}.
 *
 * <p>The rooms, from the bottom up: {@code profile} (one-pass statistics and the column-role
 * policy), {@code transform} (the fitted encoders), {@code condition} (what a row is conditioned
 * on), {@code correction} (output corrections), and the two models on top, {@code gan} and
 * {@code copula}, which never use each other. Nothing here imports Spark or Hadoop.
 */
package io.synthgen.tabular;
