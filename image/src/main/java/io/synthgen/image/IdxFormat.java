package io.synthgen.image;

import io.synthgen.model.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads and writes the IDX files of the MNIST database (LeCun et al.): a big-endian header
 * ({@code 0x00000803}, count, rows, cols for images; {@code 0x00000801}, count for labels) then
 * unsigned bytes. Gzipped files are recognised by their magic bytes, whatever their name.
 */
public final class IdxFormat {
  public static final int IMAGES_MAGIC = 0x00000803;
  public static final int LABELS_MAGIC = 0x00000801;

  private IdxFormat() {}

  /** Reads an image file and, when {@code labels} is not null, its label file. */
  public static DigitImages read(InputStream images, String imagesName, InputStream labels,
      String labelsName) throws IOException {
    byte[] pixels = readImages(images, imagesName);
    int[] lb = null;
    if (labels != null) {
      lb = readLabels(labels, labelsName);
      int n = pixels.length / DigitImages.PIXELS;
      if (lb.length != n) {
        throw new InvalidInputException("label file '" + labelsName + "' has " + lb.length
            + " labels but image file '" + imagesName + "' has " + n
            + " images: pass the label file that belongs to these images");
      }
    }
    return new DigitImages(pixels, lb);
  }

  static byte[] readImages(InputStream raw, String name) throws IOException {
    DataInputStream in = new DataInputStream(decompressed(raw));
    int magic = header(in, name);
    if (magic != IMAGES_MAGIC) {
      throw new InvalidInputException("image file '" + name + "' has a corrupt IDX header: magic "
          + hex(magic) + ", expected " + hex(IMAGES_MAGIC) + " (unsigned-byte images): pass an "
          + "MNIST-style idx3-ubyte file");
    }
    int count = header(in, name);
    int rows = header(in, name);
    int cols = header(in, name);
    if (rows != DigitImages.SIDE || cols != DigitImages.SIDE) {
      throw new InvalidInputException("image file '" + name + "' holds " + rows + "x" + cols
          + " images; digit-dcgan needs 28x28: resize the images first");
    }
    if (count < 0) {
      throw new InvalidInputException("image file '" + name + "' has a corrupt IDX header: "
          + "image count " + count);
    }
    byte[] pixels = new byte[Math.multiplyExact(count, DigitImages.PIXELS)];
    try {
      in.readFully(pixels);
    } catch (EOFException e) {
      throw new InvalidInputException("image file '" + name + "' is truncated: its header "
          + "announces " + count + " images of 28x28 but the data ends early");
    }
    return pixels;
  }

  static int[] readLabels(InputStream raw, String name) throws IOException {
    DataInputStream in = new DataInputStream(decompressed(raw));
    int magic = header(in, name);
    if (magic != LABELS_MAGIC) {
      throw new InvalidInputException("label file '" + name + "' has a corrupt IDX header: magic "
          + hex(magic) + ", expected " + hex(LABELS_MAGIC) + ": pass an MNIST-style idx1-ubyte "
          + "file");
    }
    int count = header(in, name);
    if (count < 0) {
      throw new InvalidInputException("label file '" + name + "' has a corrupt IDX header: "
          + "label count " + count);
    }
    byte[] b = new byte[count];
    try {
      in.readFully(b);
    } catch (EOFException e) {
      throw new InvalidInputException("label file '" + name + "' is truncated: its header "
          + "announces " + count + " labels but the data ends early");
    }
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = b[i] & 0xff;
      if (labels[i] >= DigitImages.CLASSES) {
        throw new InvalidInputException("label file '" + name + "' has label " + labels[i]
            + " at index " + i + "; digit labels are 0..9");
      }
    }
    return labels;
  }

  /** Writes {@code images} as an uncompressed idx3-ubyte stream. */
  public static void writeImages(DigitImages images, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(IMAGES_MAGIC);
    d.writeInt(images.count());
    d.writeInt(DigitImages.SIDE);
    d.writeInt(DigitImages.SIDE);
    d.write(images.pixels());
    d.flush();
  }

  /** Writes labels as an uncompressed idx1-ubyte stream. */
  public static void writeLabels(int[] labels, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(LABELS_MAGIC);
    d.writeInt(labels.length);
    for (int l : labels) {
      d.writeByte(l);
    }
    d.flush();
  }

  private static int header(DataInputStream in, String name) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new InvalidInputException("file '" + name + "' has a corrupt IDX header: it ends "
          + "before the header does (empty or not an IDX file)");
    }
  }

  private static InputStream decompressed(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    }
    return in;
  }

  private static String hex(int v) {
    return String.format("0x%08x", v);
  }
}
