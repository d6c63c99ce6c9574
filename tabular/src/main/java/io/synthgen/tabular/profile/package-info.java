/**
 * What the table models learn first about a table: the one-pass {@link
 * io.synthgen.tabular.profile.TableStatistics} (counts, bounds, capped category counts, a bounded
 * numeric sample), the per-column {@link io.synthgen.tabular.profile.ColumnProfile} built from
 * it, the {@link io.synthgen.tabular.profile.EmpiricalMarginal} a model keeps of a numeric column,
 * and {@link io.synthgen.tabular.profile.ColumnRoles}, the policy that decides which columns are
 * numeric, categorical or left out. Uses only the shared types of {@code io.synthgen.tabular}.
 */
package io.synthgen.tabular.profile;
