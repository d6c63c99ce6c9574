package io.synthgen.jobs.io;

import io.synthgen.model.bundle.BundleStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/** A model bundle directory on any Hadoop file system ({@code file:}, {@code hdfs:}, {@code s3a:}). */
public final class HadoopBundleStore implements BundleStore {
  private final FileSystem fs;
  private final Path dir;

  public HadoopBundleStore(String dir, Configuration conf) throws IOException {
    this.dir = new Path(dir);
    this.fs = this.dir.getFileSystem(conf);
  }

  @Override
  public String location() {
    return dir.toString();
  }

  @Override
  public boolean exists(String name) throws IOException {
    return fs.exists(new Path(dir, name));
  }

  @Override
  public InputStream open(String name) throws IOException {
    return fs.open(new Path(dir, name));
  }

  @Override
  public OutputStream create(String name) throws IOException {
    return fs.create(new Path(dir, name), true);
  }

  /**
   * Renames {@code from} onto {@code to} in one atomic step that overwrites (HDFS's rename2,
   * POSIX rename locally): a reader, or a process killed at any instant, sees the old file or
   * the new one, never neither.
   */
  @Override
  public void replace(String from, String to) throws IOException {
    FileContext fc = FileContext.getFileContext(fs.getUri(), fs.getConf());
    fc.rename(new Path(dir, from), new Path(dir, to), Options.Rename.OVERWRITE);
  }

  @Override
  public void delete(String name) throws IOException {
    fs.delete(new Path(dir, name), false);
  }

  @Override
  public List<String> list() throws IOException {
    List<String> out = new ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    for (FileStatus s : fs.listStatus(dir)) {
      out.add(s.getPath().getName());
    }
    return out;
  }
}
