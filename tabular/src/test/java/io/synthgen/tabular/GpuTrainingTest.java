package io.synthgen.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.synthgen.model.nn.ComputeDevice;
import io.synthgen.tabular.condition.GenerationPlan;
import io.synthgen.tabular.gan.TabularGanConfig;
import io.synthgen.tabular.gan.TabularGanTensors;
import io.synthgen.tabular.gan.TabularSampler;
import io.synthgen.tabular.transform.TableTransformer;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The GPU tier ({@code mvn -Pgpu verify} on a machine with a CUDA device): the tabular GAN
 * trains on ND4J's CUDA backend and its exported weights, the device-independent arrays a
 * bundle stores, sample exactly as on the CPU path. Skipped wherever ND4J runs on the CPU
 * (every CI run, whose surefire excludes the tag anyway).
 */
@Tag("gpu")
class GpuTrainingTest {
  @Test
  void theGanTrainsOnTheCudaBackendAndItsExportedWeightsSample() {
    assumeTrue(ComputeDevice.cuda(), "no CUDA backend here: " + ComputeDevice.describe());
    assertTrue(ComputeDevice.describe().contains("CUDA device"), ComputeDevice.describe());
    List<Object[]> rows = TabularFixtures.table(1000, 7);
    TabularGanConfig config = TabularFixtures.smallConfig("correlation-loss-weight=0");
    TabularFixtures.Trained trained = TabularFixtures.trained(rows,
        TabularFixtures.profiles(rows), config, 7, 1, 5);
    TableTransformer t = trained.transformer();
    assertEquals(100, trained.state().step());
    for (float w : trained.state().tensor(TabularGanTensors.GENERATOR)) {
      assertTrue(Float.isFinite(w), "finite generator weights after GPU training");
    }
    TabularSampler sampler = trained.sampler();
    GenerationPlan plan = GenerationPlan.create(t, 300, 1, "label=yes", "label");
    TabularSampler.Result result = sampler.sample(plan.conditions(t, 0, 3), 3);
    assertEquals(300, result.rows().size());
    assertTrue(result.rows().stream().allMatch(r -> r[2].equals("yes")));
  }
}
