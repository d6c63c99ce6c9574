package io.synthgen.jobs.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.model.ResourceBusyException;
import io.synthgen.model.bundle.ModelBundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive claim on a directory a job writes (a model directory, an output, a pipeline
 * date), so that two jobs started at once never write into one directory: the file
 * {@code .NAME.lease} beside directory {@code NAME}, created atomically (exclusive create: HDFS's
 * {@code create(overwrite=false)}; on a local file system {@code O_EXCL} through java.nio, since
 * Hadoop's local create checks and creates in two steps). It holds its owner (job, host, pid,
 * start time, a token), is renewed (its modification time touched) six times per stale limit
 * while the job runs, and is deleted at the end. A second job that finds a
 * live lease fails at once with a {@link ResourceBusyException} naming the holder (exit code 4, "busy,
 * retry later"), or waits for it. A lease whose job is gone is taken over, with a log line naming
 * the old owner: one not renewed for the stale limit its holder declared ({@link #staleAfter()}
 * of the holder's JVM), or, on the same host, one whose process no longer runs (a killed job
 * rerun at once on the machine it died on does not wait).
 *
 * <p>A lease of the same Spark submission (a driver relaunched by {@code spark-submit
 * --supervise} after its first incarnation died: the same {@code spark.app.submitTime}) is taken
 * over at once, so the relaunch resumes instead of waiting out the stale limit.
 *
 * <p>Taking over a lease renames it aside first (one rename of a path succeeds), checks
 * that what it moved is the stale lease it read, and otherwise moves it back: a job that took it
 * over a moment earlier keeps it.
 */
public final class DirectoryLease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryLease.class);
  /** A lease not renewed for this long is stale, by default (see {@link #staleAfter()}). */
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(60);
  /** Environment variable that overrides {@link #DEFAULT_STALE_AFTER}, in seconds. */
  public static final String STALE_AFTER_ENV = "SYNTH_LEASE_STALE_SECONDS";

  private final FileSystem fs;
  private final Path file;
  private final String token;
  /**
   * The Spark submission this JVM runs for ({@code spark.app.name} and
   * {@code spark.app.submitTime}, which spark-submit sets and a supervised relaunch keeps), or
   * null outside spark-submit.
   */
  private static final String SUBMISSION = System.getProperty("spark.app.submitTime") == null
      ? null : System.getProperty("spark.app.name", "") + "@"
          + System.getProperty("spark.app.submitTime");
  private final ScheduledExecutorService renewer;
  private final Duration staleAfter;
  /** The topmost directory the lease had to create for its file (removed if empty), or null. */
  private final Path created;

  private DirectoryLease(FileSystem fs, Path file, String token, Duration staleAfter,
      Path created) {
    this.created = created;
    this.fs = fs;
    this.file = file;
    this.token = token;
    this.staleAfter = staleAfter;
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lease-renewer " + file.getName());
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(1, staleAfter.toMillis() / 6);
    renewer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  /** How long a lease may go unrenewed before another job takes it over. */
  public static Duration staleAfter() {
    String s = System.getenv(STALE_AFTER_ENV);
    if (s != null && !s.isBlank()) {
      try {
        return Duration.ofSeconds(Long.parseLong(s.trim()));
      } catch (NumberFormatException e) {
        LOG.warn("{}={} is not a number of seconds: leases go stale after {} s", STALE_AFTER_ENV,
            s, DEFAULT_STALE_AFTER.toSeconds());
      }
    }
    return DEFAULT_STALE_AFTER;
  }

  /** Whether directory {@code dir} is {@code other} or lies inside it. */
  public static boolean within(String dir, String other, Configuration conf) throws IOException {
    Path a = new Path(dir);
    Path b = new Path(other);
    String qa = a.getFileSystem(conf).makeQualified(a).toString();
    String qb = b.getFileSystem(conf).makeQualified(b).toString();
    return qa.equals(qb) || qa.startsWith(qb.endsWith("/") ? qb : qb + "/");
  }

  /** The lease file that guards {@code dir}: {@code .NAME.lease} beside it. */
  public static Path leaseFileOf(Path dir) {
    return new Path(dir.getParent(), "." + dir.getName() + ".lease");
  }

  /**
   * Takes the lease of {@code dir} for job {@code job}, waiting up to {@code wait} (zero: not at
   * all) for a live one to be released; {@code option} names the directory's option in
   * messages. Throws {@link ResourceBusyException} when another job holds it.
   */
  public static DirectoryLease acquire(String dir, String option, String job, Duration wait,
      Configuration conf) throws IOException {
    return acquire(dir, option, job, wait, conf, staleAfter());
  }

  /** {@link #acquire} with a stale limit of {@code staleAfter} (tests shorten it). */
  static DirectoryLease acquire(String dir, String option, String job, Duration wait,
      Configuration conf, Duration staleAfter) throws IOException {
    Path target = new Path(dir);
    FileSystem fs = target.getFileSystem(conf);
    Path qualified = fs.makeQualified(target);
    if (qualified.getParent() == null) {
      throw new IllegalArgumentException("a lease needs a directory below the root: " + dir);
    }
    Path file = leaseFileOf(qualified);
    long deadline = System.nanoTime() + wait.toNanos();
    boolean logged = false;
    Path created = null;
    for (Path p = file.getParent(); p != null && !fs.exists(p); p = p.getParent()) {
      created = p;
    }
    while (true) {
      String token = UUID.randomUUID().toString();
      if (tryCreate(fs, file, ownerJson(job, token, dir, staleAfter))) {
        return new DirectoryLease(fs, file, token, staleAfter, created);
      }
      Holder holder = read(fs, file);
      Duration limit = holder == null ? staleAfter : holder.declaredStaleAfter(staleAfter);
      if (holder != null && holder.staleFor(limit) != null) {
        takeOver(fs, file, holder, "not renewed for " + holder.staleFor(limit).toSeconds()
            + " s (its job stopped without releasing it)");
        continue;
      }
      if (holder != null && holder.deadOnThisHost()) {
        takeOver(fs, file, holder, "its process no longer runs on this host");
        continue;
      }
      if (holder != null && SUBMISSION != null
          && SUBMISSION.equals(holder.owner().path("submission").asText(null))) {
        takeOver(fs, file, holder, "it belongs to an earlier driver of this same submission "
            + "(relaunched by --supervise)");
        continue;
      }
      if (holder == null) {
        continue; // released between our create and our read: try again
      }
      if (System.nanoTime() >= deadline) {
        throw new ResourceBusyException("option '" + option + "' directory " + dir + " is in use by "
            + holder.describe() + " (lease " + file + "): retry later, or give another "
            + "directory");
      }
      if (!logged) {
        LOG.info("{} {} is in use by {}: waiting up to {} s for its lease", option, dir,
            holder.describe(), wait.toSeconds());
        logged = true;
      }
      sleep(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a lease", e);
    }
  }

  /** Creates {@code file} with {@code text} only if it does not exist; false when it does. */
  private static boolean tryCreate(FileSystem fs, Path file, String text) throws IOException {
    fs.mkdirs(file.getParent());
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
      java.nio.file.Path p = java.nio.file.Path.of(file.toUri());
      try {
        Files.write(p, bytes, java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(file, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(file)) {
        return false; // HDFS reports a lost create race as an IOException of its own
      }
      throw e;
    }
  }

  private static String ownerJson(String job, String token, String dir, Duration staleAfter) {
    ObjectNode o = ModelBundle.json().createObjectNode();
    o.put("job", job);
    o.put("directory", dir);
    o.put("host", host());
    o.put("pid", ProcessHandle.current().pid());
    o.put("started", Instant.now().toString());
    o.put("stale_after_ms", staleAfter.toMillis());
    o.put("jvm", ManagementFactory.getRuntimeMXBean().getName());
    if (SUBMISSION != null) {
      o.put("submission", SUBMISSION);
    }
    o.put("token", token);
    return o.toString();
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** A lease as read: its owner, and when it was last renewed. */
  private record Holder(JsonNode owner, long modifiedMillis) {
    String describe() {
      return "a " + owner.path("job").asText("?") + " job (host " + owner.path("host").asText("?")
          + ", pid " + owner.path("pid").asText("?") + ", started "
          + owner.path("started").asText("?") + ")";
    }

    /** The stale limit the holder declared, or {@code otherwise} when it gave none. */
    Duration declaredStaleAfter(Duration otherwise) {
      long ms = owner.path("stale_after_ms").asLong(0);
      return ms > 0 ? Duration.ofMillis(ms) : otherwise;
    }

    /**
     * Whether its holder ran on this host and its process has ended (or the pid now belongs to
     * a process started after the lease).
     */
    boolean deadOnThisHost() {
      if (!host().equals(owner.path("host").asText(null)) || !owner.has("pid")) {
        return false;
      }
      java.util.Optional<ProcessHandle> p = ProcessHandle.of(owner.path("pid").asLong());
      if (p.isEmpty() || !p.get().isAlive()) {
        return true;
      }
      java.util.Optional<Instant> started = p.get().info().startInstant();
      Instant leased = parseInstant(owner.path("started").asText(null));
      return started.isPresent() && leased != null && started.get().isAfter(leased);
    }

    /** How long since it was renewed, once that is past {@code limit}; null while live. */
    Duration staleFor(Duration limit) {
      long age = System.currentTimeMillis() - modifiedMillis;
      return age > limit.toMillis() ? Duration.ofMillis(age) : null;
    }
  }

  private static Instant parseInstant(String s) {
    try {
      return s == null ? null : Instant.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** The lease in {@code file}, or null when there is none. */
  private static Holder read(FileSystem fs, Path file) throws IOException {
    try {
      long modified = fs.getFileStatus(file).getModificationTime();
      JsonNode owner;
      try (InputStream in = fs.open(file)) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        owner = text.isBlank() ? ModelBundle.json().createObjectNode()
            : ModelBundle.json().readTree(text);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        owner = ModelBundle.json().createObjectNode(); // being written: an owner not yet known
      }
      return new Holder(owner, modified);
    } catch (java.io.FileNotFoundException e) {
      return null;
    }
  }

  /**
   * Moves the lease {@code stale} aside (see the class comment) and deletes it; {@code why} goes
   * into the log line.
   */
  private static void takeOver(FileSystem fs, Path file, Holder stale, String why)
      throws IOException {
    Path aside = new Path(file.getParent(), file.getName() + ".stale-" + UUID.randomUUID());
    if (!fs.rename(file, aside)) {
      return; // another job moved or released it first
    }
    Holder moved = read(fs, aside);
    if (moved == null || !moved.owner().path("token").asText("").equals(
        stale.owner().path("token").asText(""))) {
      // a fresh lease took its place in between: give it back
      if (!fs.rename(aside, file)) {
        LOG.warn("lease {}: a live lease moved aside to {} could not be moved back", file, aside);
      }
      return;
    }
    fs.delete(aside, false);
    LOG.warn("took over the lease {} of {}: {}", file, stale.describe(), why);
  }

  /** The lease file. */
  public Path file() {
    return file;
  }

  private void renew() {
    try {
      Holder h = read(fs, file);
      if (h == null || !token.equals(h.owner().path("token").asText(""))) {
        LOG.error("lease {} is no longer this job's (it was taken over after going stale): "
            + "another job may now write the same directory", file);
        renewer.shutdown();
        return;
      }
      fs.setTimes(file, System.currentTimeMillis(), -1);
    } catch (IOException | RuntimeException e) {
      LOG.warn("lease {} could not be renewed: {}", file, e.toString());
    }
  }

  /**
   * Stops renewing and deletes the lease if it is still this job's, and the directories it had
   * to create for it when the job left them empty (a refused job writes nothing).
   */
  @Override
  public void close() throws IOException {
    renewer.shutdownNow();
    Holder h = read(fs, file);
    if (h != null && token.equals(h.owner().path("token").asText(""))) {
      fs.delete(file, false);
    }
    for (Path p = file.getParent(); created != null && p != null; p = p.getParent()) {
      if (!fs.exists(p) || fs.listStatus(p).length > 0) {
        break;
      }
      fs.delete(p, false);
      if (p.equals(created)) {
        break;
      }
    }
  }
}
