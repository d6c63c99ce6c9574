package io.synthgen.jobs;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The rooms of the {@code tabular} module (see docs/architecture.md): profiling, the transformer,
 * conditions, output corrections, and the two models on top; the shared types (metadata, value
 * types, encoded tables) sit in {@code io.synthgen.tabular} itself.
 */
@AnalyzeClasses(packages = "io.synthgen.tabular", importOptions = ImportOption.DoNotIncludeTests.class)
class TabularArchitectureTest {
  @ArchTest
  static final ArchRule tabularRoomsPointOneWay = layeredArchitecture()
      .consideringOnlyDependenciesInLayers()
      .layer("models").definedBy("io.synthgen.tabular.gan..", "io.synthgen.tabular.copula..")
      .layer("privacy").definedBy("io.synthgen.tabular.privacy..")
      .layer("correction").definedBy("io.synthgen.tabular.correction..")
      .layer("condition").definedBy("io.synthgen.tabular.condition..")
      .layer("transform").definedBy("io.synthgen.tabular.transform..")
      .layer("profile").definedBy("io.synthgen.tabular.profile..")
      .whereLayer("models").mayNotBeAccessedByAnyLayer()
      .whereLayer("privacy").mayOnlyBeAccessedByLayers("models")
      .whereLayer("correction").mayOnlyBeAccessedByLayers("models")
      .whereLayer("condition").mayOnlyBeAccessedByLayers("models")
      .whereLayer("transform").mayOnlyBeAccessedByLayers("models", "correction", "condition")
      .whereLayer("profile").mayOnlyBeAccessedByLayers("models", "correction", "condition",
          "transform", "privacy")
      .because("a model composes the transformer, conditions and corrections; those never "
          + "reach up into a model");

  @ArchTest
  static final ArchRule theTwoTableModelsDoNotUseEachOther = slices()
      .matching("io.synthgen.tabular.(gan|copula)..")
      .should().notDependOnEachOther()
      .because("the GAN and the copula share the transformer, conditions and corrections, "
          + "not each other's code");

  @ArchTest
  static final ArchRule tabularRoomsAreFreeOfCycles = slices()
      .matching("io.synthgen.tabular.(*)..")
      .should().beFreeOfCycles();
}
