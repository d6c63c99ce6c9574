package io.synthgen.model.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A bundle directory on the local file system. */
public final class LocalBundleStore implements BundleStore {
  private final Path dir;

  public LocalBundleStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public String location() {
    return dir.toString();
  }

  @Override
  public boolean exists(String name) {
    return Files.exists(dir.resolve(name));
  }

  @Override
  public InputStream open(String name) throws IOException {
    return Files.newInputStream(dir.resolve(name));
  }

  @Override
  public OutputStream create(String name) throws IOException {
    Files.createDirectories(dir);
    return Files.newOutputStream(dir.resolve(name));
  }

  @Override
  public void replace(String from, String to) throws IOException {
    Files.move(dir.resolve(from), dir.resolve(to), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void delete(String name) throws IOException {
    Files.deleteIfExists(dir.resolve(name));
  }

  @Override
  public List<String> list() throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> out.add(p.getFileName().toString()));
    }
    return out;
  }
}
