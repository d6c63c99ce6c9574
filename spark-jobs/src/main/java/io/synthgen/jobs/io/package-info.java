/**

 * Reading and writing on any Hadoop file system: tables (CSV, Parquet) and digit images (IDX, PNG
 * folders, Parquet) into Spark, all-or-nothing output directories ({@link
 * io.synthgen.jobs.io.AtomicOutput}) and model bundles ({@link
 * io.synthgen.jobs.io.HadoopBundleStore}).
 *
 * <p>Uses no other {@code io.synthgen.jobs} package.
 */
package io.synthgen.jobs.io;
