package io.synthgen.jobs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.synthgen.image.DigitImages;
import io.synthgen.image.PngCodec;
import io.synthgen.jobs.testing.DigitJobFixtures;
import io.synthgen.jobs.testing.JobFixtures;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every input format reads back exactly the digits that were written. */
class DigitReaderTest {
  @TempDir Path dir;

  private static Options options(String... kv) {
    List<OptionSpec<?>> specs = new ArrayList<>(DigitReader.SPECS);
    Options.Builder b = Options.builder(specs);
    for (int i = 0; i < kv.length; i += 2) {
      b.set(kv[i], kv[i + 1], "test");
    }
    return b.build();
  }

  private static DigitImages load(SparkSession spark, Path input, String format, Options o)
      throws Exception {
    DigitReader.Loaded l = DigitReader.load(spark, input.toString(), format, o, 2, 7);
    List<DigitImages> parts = l.partitions().collect();
    assertEquals(2, parts.size(), "one element per worker");
    DigitImages all = DigitImages.concat(parts);
    assertEquals(all.count(), l.count());
    l.partitions().unpersist(false);
    return all;
  }

  @Test
  void idxPngFolderAndParquetRoundTrip() throws Exception {
    DigitImages d = DigitJobFixtures.sample(60);
    Path idx = DigitJobFixtures.writeIdx(dir.resolve("idx"), d);
    Path png = DigitJobFixtures.writePngFolder(dir.resolve("png"), d);
    Path parquetPng = dir.resolve("png.parquet");
    Path parquetPixels = dir.resolve("pixels.parquet");
    JobFixtures.withReader(spark -> {
      try {
        List<Row> pngRows = new ArrayList<>();
        List<Row> pixelRows = new ArrayList<>();
        for (int i = 0; i < d.count(); i++) {
          pngRows.add(RowFactory.create(PngCodec.encodeDigit(d.pixels(), i), d.labels()[i]));
          List<Integer> px = new ArrayList<>();
          for (byte b : d.image(i)) {
            px.add(b & 0xff);
          }
          pixelRows.add(RowFactory.create(px, (long) d.labels()[i]));
        }
        spark.createDataFrame(pngRows, DataTypes.createStructType(List.of(
            DataTypes.createStructField("image", DataTypes.BinaryType, false),
            DataTypes.createStructField("label", DataTypes.IntegerType, false))))
            .write().parquet(parquetPng.toString());
        spark.createDataFrame(pixelRows, DataTypes.createStructType(List.of(
            DataTypes.createStructField("px", DataTypes.createArrayType(DataTypes.IntegerType),
                false),
            DataTypes.createStructField("digit", DataTypes.LongType, false))))
            .write().parquet(parquetPixels.toString());
        String[] expected = DigitJobFixtures.fingerprints(d);
        assertArrayEquals(expected,
            DigitJobFixtures.fingerprints(load(spark, idx, null, options())));
        assertArrayEquals(expected,
            DigitJobFixtures.fingerprints(load(spark, png, null, options())));
        assertArrayEquals(expected,
            DigitJobFixtures.fingerprints(load(spark, parquetPng, null, options())));
        assertArrayEquals(expected, DigitJobFixtures.fingerprints(load(spark, parquetPixels,
            "parquet", options("image-column", "px", "label-column", "digit"))));
        return null;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  @Test
  void idxWithoutLabelFileAndPngNamesWithPatternGiveLabelsOrNone() throws Exception {
    DigitImages d = DigitJobFixtures.sample(12);
    Path idx = DigitJobFixtures.writeIdx(dir.resolve("idx"), d);
    java.nio.file.Files.delete(dir.resolve("idx").resolve("train-labels-idx1-ubyte.gz"));
    Path flat = dir.resolve("flat");
    java.nio.file.Files.createDirectories(flat);
    for (int i = 0; i < d.count(); i++) {
      java.nio.file.Files.write(flat.resolve("digit_" + d.labels()[i] + "_" + i + ".png"),
          PngCodec.encodeDigit(d.pixels(), i));
    }
    JobFixtures.withReader(spark -> {
      try {
        DigitReader.Loaded unl = DigitReader.load(spark, idx.toString(), null, options(), 2, 1);
        assertFalse(unl.labelled());
        unl.partitions().unpersist(false);
        assertArrayEquals(DigitJobFixtures.fingerprints(d), DigitJobFixtures.fingerprints(
            load(spark, flat, "png", options("label-pattern", "digit_(\\d)_.*"))));
        DigitReader.Loaded noLabels = DigitReader.load(spark, flat.toString(), "png", options(),
            2, 1);
        assertFalse(noLabels.labelled(), "file names alone carry no label without a pattern");
        assertTrue(noLabels.count() == 12);
        noLabels.partitions().unpersist(false);
        return null;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }
}
