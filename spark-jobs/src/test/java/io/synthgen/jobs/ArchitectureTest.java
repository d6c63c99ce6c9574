package io.synthgen.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules of the project, checked on the compiled main classes of every module. A
 * class that breaks one fails the build with a message naming the class, the dependency and the
 * rule's reason. The layout is described in the README's "Architecture" section.
 *
 * @implNote The rules read bytecode: a compile-time constant of another package (a
 *     {@code static final String} such as a family's {@code NAME}) is inlined by javac and so is
 *     not seen as a dependency.
 */
@AnalyzeClasses(packages = "io.synthgen", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  private static final String RUNNER = "io.synthgen.jobs";
  private static final String FAMILY = "io.synthgen.jobs.family..";
  private static final String TABULAR = "io.synthgen.jobs.tabular..";
  private static final String IMAGE = "io.synthgen.jobs.image..";
  private static final String TRAIN = "io.synthgen.jobs.train..";
  private static final String IO = "io.synthgen.jobs.io..";
  private static final String EVALUATE = "io.synthgen.jobs.evaluate..";
  private static final String REPORT = "io.synthgen.jobs.report..";
  private static final String PIPELINE = "io.synthgen.jobs.pipeline..";
  private static final String JOB = "io.synthgen.jobs.job..";
  private static final String RUNTIME = "io.synthgen.jobs.runtime..";

  /**
   * Runner -> pipeline -> job -> families -> family contract -> train / evaluate -> io /
   * runtime; report below evaluate.
   */
  @ArchTest
  static final ArchRule dependenciesPointOneWay = layeredArchitecture()
      .consideringOnlyDependenciesInLayers()
      .layer("runner").definedBy(RUNNER)
      .layer("pipeline").definedBy(PIPELINE)
      .layer("job").definedBy(JOB)
      .layer("families").definedBy(TABULAR, IMAGE)
      .layer("family contract").definedBy(FAMILY)
      .layer("train").definedBy(TRAIN)
      .layer("evaluate").definedBy(EVALUATE)
      .layer("io").definedBy(IO)
      .layer("runtime").definedBy(RUNTIME)
      .layer("report").definedBy(REPORT)
      .whereLayer("runner").mayNotBeAccessedByAnyLayer()
      .whereLayer("pipeline").mayOnlyBeAccessedByLayers("runner")
      .whereLayer("job").mayOnlyBeAccessedByLayers("runner", "pipeline")
      .whereLayer("families").mayOnlyBeAccessedByLayers("job")
      .whereLayer("family contract").mayOnlyBeAccessedByLayers("runner", "pipeline", "job",
          "families")
      .whereLayer("train").mayOnlyBeAccessedByLayers("runner", "job", "families",
          "family contract")
      .whereLayer("evaluate").mayOnlyBeAccessedByLayers("runner", "job", "families",
          "family contract")
      .whereLayer("io").mayOnlyBeAccessedByLayers("runner", "pipeline", "job", "families",
          "train", "evaluate")
      .whereLayer("runtime").mayOnlyBeAccessedByLayers("runner", "pipeline", "job", "families",
          "family contract", "train", "evaluate")
      .whereLayer("report").mayOnlyBeAccessedByLayers("evaluate")
      .because("the runner parses a command line into a job, a job picks a family, a family "
          + "composes the shared stages, and the shared stages never reach back up (see the "
          + "README's Architecture section)");

  @ArchTest
  static final ArchRule nothingImportsTheRunner = noClasses()
      .that().resideOutsideOfPackage(RUNNER)
      .should().dependOnClassesThat().resideInAPackage(RUNNER)
      .because("the runner only turns command lines into jobs: the pipeline, the jobs and "
          + "everything below them are called with typed requests, never through the "
          + "command line or its classes");

  @ArchTest
  static final ArchRule runtimeKnowsNoOtherJobPackage = noClasses()
      .that().resideInAPackage(RUNTIME)
      .should().dependOnClassesThat().resideInAnyPackage("io.synthgen.jobs", PIPELINE, JOB,
          FAMILY, TABULAR, IMAGE, TRAIN, EVALUATE, IO, REPORT)
      .because("the Spark session, the native runtime and the job names are what every job "
          + "runs on: they know no job, family or stage");

  @ArchTest
  static final ArchRule trainAndIoKnowNoModelFamily = noClasses()
      .that().resideInAnyPackage(TRAIN, IO)
      .should().dependOnClassesThat().resideInAnyPackage(RUNNER, PIPELINE, JOB, FAMILY,
          TABULAR, IMAGE, EVALUATE, REPORT)
      .because("training and I/O are shared by every model family: a family hands them plans "
          + "and paths, never the other way round");

  @ArchTest
  static final ArchRule familiesDoNotUseEachOther = slices()
      .matching("io.synthgen.jobs.(tabular|image)..")
      .should().notDependOnEachOther()
      .because("a model family is added or removed without touching the others; share code "
          + "through train, io, evaluate or the model module");

  @ArchTest
  static final ArchRule reportKnowsOnlyTheReportDocument = classes()
      .that().resideInAPackage(REPORT)
      .should().onlyDependOnClassesThat().resideInAnyPackage(REPORT, "java..",
          "com.fasterxml.jackson..")
      .because("the HTML page is rendered from report.json alone, so it can be re-rendered "
          + "without Spark or a model");

  @ArchTest
  static final ArchRule subPackagesAreFreeOfCycles = slices()
      .matching("io.synthgen.jobs.(*)..")
      .should().beFreeOfCycles();

  @ArchTest
  static final ArchRule modelModulesNeverImportSparkOrHadoop = noClasses()
      .that().resideInAnyPackage("io.synthgen.model..", "io.synthgen.tabular..",
          "io.synthgen.image..")
      .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..",
          "org.apache.hadoop..", "scala..", "io.synthgen.jobs..")
      .because("model, tabular and image hold the math and test without Spark; only "
          + "spark-jobs talks to Spark and Hadoop");

  private static final DescribedPredicate<JavaClass> SPARK_FUNCTIONS = DescribedPredicate
      .describe("implement a Spark Java function interface", c -> c.getAllRawInterfaces()
          .stream().anyMatch(i -> i.getPackageName().equals("org.apache.spark.api.java.function")));

  @ArchTest
  static final ArchRule functionsShippedToSparkAreStaticClasses = classes()
      .that(SPARK_FUNCTIONS)
      .should().notBeInnerClasses().andShould().notBeAnonymousClasses()
      .because("a function shipped to executors must not drag its enclosing object (a "
          + "session, a family) into the task closure: its state is explicit");
}
