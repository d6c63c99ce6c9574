package io.synthgen.model.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The directory a model bundle lives in: local disk ({@link LocalBundleStore}) or any Hadoop
 * file system (provided by the Spark jobs).
 */
public interface BundleStore {
  /** Human-readable location, for messages. */
  String location();

  boolean exists(String name) throws IOException;

  InputStream open(String name) throws IOException;

  /** Creates (or truncates) {@code name}, creating the directory if needed. */
  OutputStream create(String name) throws IOException;

  /** Renames {@code from} to {@code to}, replacing {@code to}. */
  void replace(String from, String to) throws IOException;

  void delete(String name) throws IOException;

  /** Names of the files directly in the directory (empty if it does not exist). */
  java.util.List<String> list() throws IOException;
}
