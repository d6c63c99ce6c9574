package io.synthgen.image;

import io.synthgen.model.InvalidInputException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** PNG encoding of 8-bit grayscale images with the JDK's ImageIO. */
public final class PngCodec {
  static {
    ImageIO.setUseCache(false);
  }

  private PngCodec() {}

  /** Encodes a {@code width x height} grayscale image (row-major bytes) as PNG. */
  public static byte[] encode(byte[] gray, int offset, int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    System.arraycopy(gray, offset, data, 0, width * height);
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Encodes one 28x28 digit stored at image index {@code i} of {@code pixels}. */
  public static byte[] encodeDigit(byte[] pixels, int i) {
    return encode(pixels, i * DigitImages.PIXELS, DigitImages.SIDE, DigitImages.SIDE);
  }

  /**
   * Decodes a PNG (any colour type; colour is converted to luminance, alpha ignored) into 784
   * grayscale bytes; {@code source} names the file or row for errors.
   */
  public static byte[] decodeDigit(byte[] png, String source) {
    BufferedImage img;
    try {
      img = ImageIO.read(new ByteArrayInputStream(png));
    } catch (IOException | RuntimeException e) {
      img = null;
    }
    if (img == null) {
      throw new InvalidInputException("'" + source + "' is not a readable PNG image: replace it "
          + "with a 28x28 grayscale PNG, or move it out of the folder");
    }
    if (img.getWidth() != DigitImages.SIDE || img.getHeight() != DigitImages.SIDE) {
      throw new InvalidInputException("image '" + source + "' is " + img.getWidth() + "x"
          + img.getHeight() + "; digit-dcgan needs 28x28: resize the images first");
    }
    byte[] out = new byte[DigitImages.PIXELS];
    if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      img.getRaster().getDataElements(0, 0, DigitImages.SIDE, DigitImages.SIDE, out);
      return out;
    }
    for (int y = 0; y < DigitImages.SIDE; y++) {
      for (int x = 0; x < DigitImages.SIDE; x++) {
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        out[y * DigitImages.SIDE + x] = (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      }
    }
    return out;
  }
}
