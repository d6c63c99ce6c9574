/**

 * The evaluation report as one self-contained HTML page ({@link
 * io.synthgen.jobs.report.ReportPage}) with inline SVG charts ({@link
 * io.synthgen.jobs.report.ReportCharts}) and its privacy part ({@link
 * io.synthgen.jobs.report.PrivacyPanel}), rendered from the {@code report.json} document alone.
 *
 * <p>Knows only that JSON document (Jackson): no Spark, no other {@code io.synthgen} package.
 */
package io.synthgen.jobs.report;
