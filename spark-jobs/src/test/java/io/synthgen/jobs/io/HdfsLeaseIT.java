package io.synthgen.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases on a real HDFS (Hadoop's mini cluster on 127.0.0.1): the exclusive create that makes a
 * lease is HDFS's {@code create(overwrite=false)}, raced by two jobs starting together.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HdfsLeaseIT {
  @TempDir static Path local;
  MiniDFSCluster hdfs;
  FileSystem fs;
  String root;
  Configuration conf;

  @BeforeAll
  void startHdfs() throws Exception {
    hdfs = io.synthgen.jobs.testing.MiniHdfs.start(local);
    fs = hdfs.getFileSystem();
    conf = fs.getConf();
    root = "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/synth";
  }

  @AfterAll
  void stopHdfs() {
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  @Test
  void twoJobsStartingTogetherOnHdfsNeverBothHoldTheLease() throws Exception {
    assertEquals(5, DirectoryLeaseTest.race(r -> root + "/out-" + r, 5, conf),
        "each of 5 rounds: one holder, one busy");
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(root + "/.out-0.lease")),
        "released leases are gone");
  }

  @Test
  void aStaleLeaseOnHdfsIsTakenOverAndALiveOneIsNot() throws Exception {
    String dir = root + "/models/trained=2026-12-09";
    try (DirectoryLease held = DirectoryLease.acquire(dir, "--model-dir", "train",
        Duration.ZERO, conf, Duration.ofSeconds(30))) {
      assertTrue(fs.exists(held.file()));
      org.junit.jupiter.api.Assertions.assertThrows(io.synthgen.model.ResourceBusyException.class,
          () -> DirectoryLease.acquire(dir, "--model-dir", "train", Duration.ZERO, conf,
              Duration.ofSeconds(30)));
      fs.setTimes(held.file(), System.currentTimeMillis() - 60_000, -1); // as if its job died
      try (DirectoryLease taken = DirectoryLease.acquire(dir, "--model-dir", "train",
          Duration.ZERO, conf, Duration.ofSeconds(30))) {
        assertTrue(fs.exists(taken.file()));
      }
    }
  }
}
