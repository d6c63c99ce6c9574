/**
 * The {@code tabular-gan} model (CTGAN, Xu et al. 2019, with label-paired conditions and an
 * auxiliary classifier): the networks and the training step ({@link
 * io.synthgen.tabular.gan.TabularGan}, {@link io.synthgen.tabular.gan.TabularGanTrainer}), its
 * config, the bundle's tensor names ({@link io.synthgen.tabular.gan.TabularGanTensors}), and the
 * sampling side: {@link io.synthgen.tabular.gan.TabularGanModel} reads a bundle into a model with
 * its output corrections, whose {@link io.synthgen.tabular.gan.TabularSampler} runs the generator
 * alone (no critic, no optimizer) and the {@link io.synthgen.tabular.gan.LabelFilter}.
 */
package io.synthgen.tabular.gan;
