/**
 * Differential privacy's arithmetic, independent of Spark and of any model: the Rényi DP
 * accountant ({@link io.synthgen.model.privacy.RdpAccountant}), the ledger a training run keeps of
 * what it spent ({@link io.synthgen.model.privacy.PrivacyLedger}), the split of a budget over
 * Gaussian mechanisms ({@link io.synthgen.model.privacy.GaussianBudget}) and the options that ask
 * for it ({@link io.synthgen.model.privacy.PrivacyOptions}).
 */
package io.synthgen.model.privacy;
