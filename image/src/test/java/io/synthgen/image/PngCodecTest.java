package io.synthgen.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.model.InvalidInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngCodecTest {
  @Test
  void digitRoundTripsThroughPng() {
    DigitImages d = DigitImageFixtures.blobs(3, 7);
    byte[] png = PngCodec.encodeDigit(d.pixels(), 2);
    assertArrayEquals(d.image(2), PngCodec.decodeDigit(png, "x.png"));
  }

  @Test
  void colourPngIsReadAsLuminance() throws IOException {
    BufferedImage rgb = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(3, 4, 0xffffff);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(rgb, "png", out);
    byte[] px = PngCodec.decodeDigit(out.toByteArray(), "c.png");
    assertEquals(255, px[4 * 28 + 3] & 0xff);
    assertEquals(0, px[0]);
  }

  @Test
  void wrongSizeNamesTheImage() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(32, 30, BufferedImage.TYPE_BYTE_GRAY), "png", out);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> PngCodec.decodeDigit(out.toByteArray(), "dir/7/a.png"));
    assertTrue(e.getMessage().contains("dir/7/a.png") && e.getMessage().contains("32x30"),
        e.getMessage());
  }

  @Test
  void nonPngBytesAreRejected() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> PngCodec.decodeDigit(new byte[] {1, 2, 3}, "junk.png"));
    assertTrue(e.getMessage().contains("junk.png"), e.getMessage());
  }

  @Test
  void gridHasOneCellPerImageWithGutters() throws IOException {
    byte[] png = ImageGrid.render(DigitImageFixtures.blobs(7, 1), 2, 4);
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(4 * 28 + 5 * ImageGrid.GUTTER, img.getWidth());
    assertEquals(2 * 28 + 3 * ImageGrid.GUTTER, img.getHeight());
  }
}
