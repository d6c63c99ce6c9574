package io.synthgen.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases on a local file system, raced by threads that start together. */
class DirectoryLeaseTest {
  private static final Configuration CONF = new Configuration();
  /** A short stale limit so that tests see renewal and staleness in well under a second. */
  private static final Duration STALE = Duration.ofMillis(600);
  @TempDir Path dir;

  private static DirectoryLease acquire(Path target, Duration wait) throws Exception {
    return DirectoryLease.acquire(target.toString(), "--output", "test", wait, CONF, STALE);
  }

  private static Path leaseFile(Path target) {
    return target.resolveSibling("." + target.getFileName() + ".lease");
  }

  /**
   * Two threads race for the lease of {@code target} {@code rounds} times; returns how many
   * rounds had exactly one holder and one busy refusal.
   */
  static int race(java.util.function.Function<Integer, String> target, int rounds,
      Configuration conf) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    int clean = 0;
    try {
      for (int r = 0; r < rounds; r++) {
        String t = target.apply(r);
        CyclicBarrier start = new CyclicBarrier(2);
        CyclicBarrier held = new CyclicBarrier(2);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        List<Future<?>> jobs = new ArrayList<>();
        for (int j = 0; j < 2; j++) {
          jobs.add(pool.submit(() -> {
            start.await();
            DirectoryLease lease = null;
            try {
              lease = DirectoryLease.acquire(t, "--output", "race", Duration.ZERO, conf, STALE);
              holders.incrementAndGet();
            } catch (io.synthgen.model.ResourceBusyException e) {
              busy.incrementAndGet();
            }
            held.await(); // both have tried before either releases
            if (lease != null) {
              lease.close();
            }
            return null;
          }));
        }
        for (Future<?> f : jobs) {
          f.get();
        }
        clean += holders.get() == 1 && busy.get() == 1 ? 1 : 0;
      }
    } finally {
      pool.shutdownNow();
    }
    return clean;
  }

  @Test
  void twoJobsStartingTogetherNeverBothHoldTheLease() throws Exception {
    assertEquals(20, race(r -> dir.resolve("out-" + r).toString(), 20, CONF),
        "each of 20 rounds: one holder, one busy");
  }

  @Test
  void theBusyMessageNamesTheHolderAndTheOption() throws Exception {
    Path out = dir.resolve("rows");
    try (DirectoryLease held = acquire(out, Duration.ZERO)) {
      io.synthgen.model.ResourceBusyException e = assertThrows(io.synthgen.model.ResourceBusyException.class,
          () -> acquire(out, Duration.ZERO));
      assertTrue(e.getMessage().contains("'--output'") && e.getMessage().contains("a test job")
          && e.getMessage().contains("pid " + ProcessHandle.current().pid())
          && e.getMessage().contains("retry later"), e.getMessage());
    }
  }

  @Test
  void aReleasedLeaseLeavesNothingBehindAndCanBeTakenAgain() throws Exception {
    Path out = dir.resolve("rows");
    try (DirectoryLease held = acquire(out, Duration.ZERO)) {
      assertTrue(Files.exists(leaseFile(out)));
    }
    assertFalse(Files.exists(leaseFile(out)));
    try (DirectoryLease again = acquire(out, Duration.ZERO)) {
      assertTrue(Files.exists(leaseFile(out)));
    }
    try (var files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "nothing beside the directory");
    }
  }

  @Test
  void aHeldLeaseIsRenewedSoItNeverGoesStale() throws Exception {
    Path out = dir.resolve("rows");
    try (DirectoryLease held = acquire(out, Duration.ZERO)) {
      Thread.sleep(3 * STALE.toMillis());
      assertThrows(io.synthgen.model.ResourceBusyException.class, () -> acquire(out, Duration.ZERO),
          "renewed every 100 ms: still live after three stale limits");
    }
  }

  @Test
  void aStaleLeaseOfAKilledJobIsTakenOver() throws Exception {
    Path out = dir.resolve("rows");
    Files.writeString(leaseFile(out), "{\"job\": \"train\", \"host\": \"gone\", \"pid\": 1, "
        + "\"token\": \"dead\"}");
    Files.setLastModifiedTime(leaseFile(out), java.nio.file.attribute.FileTime.fromMillis(
        System.currentTimeMillis() - 2 * STALE.toMillis()));
    try (DirectoryLease taken = acquire(out, Duration.ZERO)) {
      assertFalse(Files.readString(leaseFile(out)).contains("dead"), "the lease is ours now");
    }
    try (var files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "the stale lease is gone, not moved aside");
    }
  }

  @Test
  void aJobThatWaitsTakesTheLeaseOnceItsHolderReleasesIt() throws Exception {
    Path out = dir.resolve("rows");
    DirectoryLease held = acquire(out, Duration.ZERO);
    Thread release = new Thread(() -> {
      try {
        Thread.sleep(500);
        held.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    release.start();
    long t0 = System.nanoTime();
    try (DirectoryLease waited = acquire(out, Duration.ofSeconds(20))) {
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertTrue(seconds >= 0.4 && seconds < 10, "waited " + seconds + " s");
    }
    release.join();
    assertThrows(io.synthgen.model.ResourceBusyException.class, () -> {
      try (DirectoryLease a = acquire(out, Duration.ZERO)) {
        acquire(out, Duration.ofMillis(300)).close();
      }
    }, "a wait that runs out ends busy");
  }

  @Test
  void aFreshLeaseOfAProcessThatNoLongerRunsOnThisHostIsTakenOverAtOnce() throws Exception {
    Path out = dir.resolve("rows");
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    String host = java.net.InetAddress.getLocalHost().getHostName();
    Files.writeString(leaseFile(out), "{\"job\": \"train\", \"host\": \"" + host
        + "\", \"pid\": " + gone.pid() + ", \"started\": \"" + java.time.Instant.now()
        + "\", \"token\": \"killed\", \"stale_after_ms\": 600000}");
    try (DirectoryLease taken = acquire(out, Duration.ZERO)) {
      assertFalse(Files.readString(leaseFile(out)).contains("killed"));
    }
    Files.writeString(leaseFile(out), "{\"job\": \"train\", \"host\": \"" + host
        + "\", \"pid\": " + ProcessHandle.current().pid() + ", \"started\": \""
        + java.time.Instant.now() + "\", \"token\": \"alive\", \"stale_after_ms\": 600000}");
    assertThrows(io.synthgen.model.ResourceBusyException.class, () -> acquire(out, Duration.ZERO),
        "a running process's lease is live");
  }

  @Test
  void theStaleLimitTheHolderDeclaredDecides() throws Exception {
    Path out = dir.resolve("rows");
    Files.writeString(leaseFile(out), "{\"job\": \"train\", \"host\": \"elsewhere\", "
        + "\"pid\": 1, \"token\": \"short\", \"stale_after_ms\": 200}");
    Thread.sleep(400);
    try (DirectoryLease taken = DirectoryLease.acquire(out.toString(), "--output", "test",
        Duration.ZERO, CONF, Duration.ofHours(1))) {
      assertFalse(Files.readString(leaseFile(out)).contains("short"),
          "stale after its holder's 200 ms, though this job's own limit is an hour");
    }
  }
}
