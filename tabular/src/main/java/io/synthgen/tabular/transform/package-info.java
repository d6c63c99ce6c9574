/**
 * The reversible encoding of a table row for the networks (CTGAN's, Xu et al. 2019): {@link
 * io.synthgen.tabular.transform.TableTransformer} composes a {@link
 * io.synthgen.tabular.transform.ModeSpecificNormalizer} per numeric column (modes of a {@link
 * io.synthgen.tabular.transform.VariationalGaussianMixture}, point masses, nulls) and a {@link
 * io.synthgen.tabular.transform.OneHotCategoryEncoder} per categorical column. Uses {@code
 * profile}.
 */
package io.synthgen.tabular.transform;
