package io.synthgen.jobs.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A generate job without --partitions: the partition count follows the rows, not the cluster. */
class GenerateRequestTest {
  @Test
  void thePartitionCountIsOnePerHundredThousandRowsRoundedUp() {
    assertEquals(1, SparkModelFamily.GenerateRequest.partitionsFor(1));
    assertEquals(1, SparkModelFamily.GenerateRequest.partitionsFor(100_000));
    assertEquals(2, SparkModelFamily.GenerateRequest.partitionsFor(100_001));
    assertEquals(10, SparkModelFamily.GenerateRequest.partitionsFor(1_000_000));
    assertEquals(100, SparkModelFamily.GenerateRequest.partitionsFor(10_000_000));
    assertEquals(9_000_000, SparkModelFamily.GenerateRequest.partitionsFor(900_000_000_000L));
  }
}
