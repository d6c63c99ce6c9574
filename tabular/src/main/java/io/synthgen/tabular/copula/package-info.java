/**
 * The {@code gaussian-copula} model (Patki et al. 2016): {@link
 * io.synthgen.tabular.copula.GaussianCopula} (marginals, normal scores, sampling, its bundle
 * form) and {@link io.synthgen.tabular.copula.LatentCorrelation} (the latent correlation under
 * ties, the nearest correlation matrix, Cholesky factors). Never uses {@code gan}.
 */
package io.synthgen.tabular.copula;
