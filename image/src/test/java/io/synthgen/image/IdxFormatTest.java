package io.synthgen.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class IdxFormatTest {
  private static byte[] images(DigitImages d) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    IdxFormat.writeImages(d, out);
    return out.toByteArray();
  }

  private static byte[] labels(int[] l) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    IdxFormat.writeLabels(l, out);
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  private static DigitImages read(byte[] img, byte[] lab) throws IOException {
    return IdxFormat.read(new ByteArrayInputStream(img), "imgs.idx",
        lab == null ? null : new ByteArrayInputStream(lab), "labs.idx");
  }

  @Test
  void plainAndGzippedFilesRoundTrip() throws IOException {
    DigitImages d = DigitImageFixtures.blobs(25, 1);
    for (boolean gz : new boolean[] {false, true}) {
      byte[] img = images(d);
      byte[] lab = labels(d.labels());
      DigitImages back = read(gz ? gzip(img) : img, gz ? gzip(lab) : lab);
      assertArrayEquals(d.pixels(), back.pixels());
      assertArrayEquals(d.labels(), back.labels());
    }
  }

  @Test
  void imagesWithoutLabelFileAreUnlabelled() throws IOException {
    DigitImages back = read(images(DigitImageFixtures.blobs(3, 1)), null);
    assertEquals(3, back.count());
    assertNull(back.labels());
  }

  @Test
  void corruptMagicNamesFileAndValue() {
    byte[] img = new byte[16];
    img[3] = 0x42;
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> read(img, null));
    assertTrue(e.getMessage().contains("imgs.idx") && e.getMessage().contains("0x00000042")
        && e.getMessage().contains("corrupt IDX header"), e.getMessage());
  }

  @Test
  void emptyFileIsACorruptHeader() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> read(new byte[0], null));
    assertTrue(e.getMessage().contains("imgs.idx"), e.getMessage());
  }

  @Test
  void wrongImageSizeIsRejected() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(IdxFormat.IMAGES_MAGIC);
    d.writeInt(1);
    d.writeInt(32);
    d.writeInt(32);
    d.write(new byte[32 * 32]);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> read(out.toByteArray(), null));
    assertTrue(e.getMessage().contains("32x32") && e.getMessage().contains("28x28"),
        e.getMessage());
  }

  @Test
  void truncatedDataIsRejected() throws IOException {
    byte[] img = images(DigitImageFixtures.blobs(4, 1));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> read(Arrays.copyOf(img, img.length - 100), null));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void labelCountMismatchNamesBothFiles() throws IOException {
    DigitImages d = DigitImageFixtures.blobs(5, 1);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> read(images(d), labels(new int[] {1, 2, 3})));
    assertTrue(e.getMessage().contains("labs.idx") && e.getMessage().contains("imgs.idx")
        && e.getMessage().contains("3 labels") && e.getMessage().contains("5 images"),
        e.getMessage());
  }

  @Test
  void labelOutsideDigitsIsRejected() throws IOException {
    DigitImages d = DigitImageFixtures.blobs(2, 1);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> read(images(d), labels(new int[] {1, 12})));
    assertTrue(e.getMessage().contains("label 12"), e.getMessage());
  }
}
