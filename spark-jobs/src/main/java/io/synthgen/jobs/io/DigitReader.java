package io.synthgen.jobs.io;

import io.synthgen.image.DigitImages;
import io.synthgen.image.IdxFormat;
import io.synthgen.image.PngCodec;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import scala.Tuple2;

/**
 * Loads 28x28 digit images for training from any Hadoop file system, as one {@link DigitImages}
 * per worker: MNIST IDX files (gzipped or not; read by the driver, which suits MNIST-sized sets),
 * a folder of PNG files (decoded on the executors; label from a sub-folder named 0..9 or a
 * file-name pattern), or Parquet (an image column of PNG bytes or of 784 pixel values 0..255, and
 * a label column).
 */
public final class DigitReader {
  static final OptionSpec<String> LABELS = OptionSpec.ofString("labels", null,
      "IDX label file of IDX image input; none = the image file's name with images-idx3 "
          + "replaced by labels-idx1 if that file exists, else the images are unlabelled");
  static final OptionSpec<String> IMAGE_COLUMN = OptionSpec.ofString("image-column", "image",
      "Parquet input: column of PNG bytes or of 784 pixel values 0..255");
  static final OptionSpec<String> LABEL_COLUMN = OptionSpec.ofString("label-column", "label",
      "Parquet input: integer label column (0..9); absent = unlabelled");
  static final OptionSpec<String> LABEL_PATTERN = OptionSpec.ofString("label-pattern", null,
      "PNG folder input: regular expression whose first group is the digit in a file name "
          + "(e.g. digit_(\\d)_.*); none = the sub-folder name when it is 0..9");

  public static final List<OptionSpec<?>> SPECS = List.of(LABELS, IMAGE_COLUMN, LABEL_COLUMN,
      LABEL_PATTERN);

  /** A digit family's option keys: its model's, then the input keys of this reader. */
  public static List<OptionSpec<?>> withInputOptions(List<OptionSpec<?>> modelSpecs) {
    List<OptionSpec<?>> all = new ArrayList<>(modelSpecs);
    all.addAll(SPECS);
    return List.copyOf(all);
  }

  /** Images split into one cached element per worker, and what they hold. */
  public record Loaded(JavaRDD<DigitImages> partitions, long count, long[] classCounts,
      boolean labelled, String format) {}

  private DigitReader() {}

  public static Loaded load(SparkSession spark, String input, String format, Options o, int workers,
      long seed) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Path path = new Path(input);
    FileSystem fs = path.getFileSystem(conf);
    if (!fs.exists(path)) {
      throw new InvalidInputException("input '" + input + "' does not exist: check --input");
    }
    String f = format != null ? format.toLowerCase(Locale.ROOT) : detect(fs, path);
    JavaRDD<DigitImages> parts;
    switch (f) {
      case "idx" -> {
        // the driver validates the files; each worker then reads them and keeps its own slice,
        // so the images never travel inside task closures
        Path labels = labelPath(fs, path, o.get(LABELS), conf);
        readIdx(fs, path, labels, conf);
        String images = path.toString();
        String labelFile = labels == null ? null : labels.toString();
        parts = sc.parallelize(java.util.stream.IntStream.range(0, workers).boxed().toList(),
            workers).map(w -> {
              Configuration c = new Configuration();
              Path ip = new Path(images);
              Path lp = labelFile == null ? null : new Path(labelFile);
              return slice(readIdx(ip.getFileSystem(c), ip, lp, c), workers, w, seed);
            });
      }
      case "png" -> parts = pngFolder(sc, fs, path, o.get(LABEL_PATTERN), workers);
      case "parquet" -> parts = parquet(spark, input, o.get(IMAGE_COLUMN), o.get(LABEL_COLUMN),
          workers);
      default -> throw new InvalidInputException("option '--format' has value '" + format
          + "': digit images are idx, png or parquet");
    }
    parts = parts.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    List<long[]> stats = parts.map(p -> {
      long[] s = new long[DigitImages.CLASSES + 2];
      s[0] = p.count();
      s[1] = p.labelled() || p.count() == 0 ? 1 : 0;
      long[] c = p.classCounts();
      System.arraycopy(c, 0, s, 2, c.length);
      return s;
    }).collect();
    long count = 0;
    boolean labelled = true;
    long[] classes = new long[DigitImages.CLASSES];
    for (long[] s : stats) {
      count += s[0];
      labelled &= s[1] == 1;
      for (int i = 0; i < classes.length; i++) {
        classes[i] += s[i + 2];
      }
    }
    if (count == 0) {
      parts.unpersist(false);
      throw new InvalidInputException("input '" + input + "' holds no images: give a non-empty "
          + f + " input");
    }
    return new Loaded(parts, count, labelled ? classes : null, labelled, f);
  }

  private static String detect(FileSystem fs, Path path) throws IOException {
    String name = path.getName().toLowerCase(Locale.ROOT);
    if (name.endsWith(".parquet")) {
      return "parquet";
    }
    if (fs.getFileStatus(path).isDirectory()) {
      for (FileStatus s : fs.listStatus(path)) {
        String n = s.getPath().getName();
        if (n.endsWith(".parquet") || n.equals("_SUCCESS")) {
          return "parquet";
        }
      }
      return "png";
    }
    if (name.contains("idx") || name.endsWith("ubyte") || name.endsWith(".gz")) {
      return "idx";
    }
    throw new InvalidInputException("cannot tell the format of input '" + path
        + "': pass --format idx, png or parquet");
  }

  /** The label file of IDX images: option 'labels', else the MNIST-named neighbour, else none. */
  static Path labelPath(FileSystem fs, Path images, String labels, Configuration conf)
      throws IOException {
    Path labelPath = null;
    if (labels != null) {
      labelPath = new Path(labels);
      if (!labelPath.getFileSystem(conf).exists(labelPath)) {
        throw new InvalidInputException("label file '" + labels + "' (option 'labels') does "
            + "not exist");
      }
    } else if (images.getName().contains("images-idx3")) {
      Path guess = new Path(images.getParent(),
          images.getName().replace("images-idx3", "labels-idx1"));
      if (fs.exists(guess)) {
        labelPath = guess;
      }
    }
    return labelPath;
  }

  static DigitImages readIdx(FileSystem fs, Path images, Path labelPath, Configuration conf)
      throws IOException {
    try (InputStream in = fs.open(images);
        InputStream lab = labelPath == null ? null
            : labelPath.getFileSystem(conf).open(labelPath)) {
      return IdxFormat.read(in, images.toString(), lab,
          labelPath == null ? null : labelPath.toString());
    }
  }

  /**
   * Worker {@code w}'s share of {@code workers} near-equal slices of the images in a seeded
   * shuffled order (every worker computes the same order).
   */
  static DigitImages slice(DigitImages all, int workers, int w, long seed) {
    int n = all.count();
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    java.util.Collections.shuffle(Arrays.asList(order), new java.util.Random(seed));
    int from = (int) ((long) n * w / workers);
    int to = (int) ((long) n * (w + 1) / workers);
    byte[] px = new byte[(to - from) * DigitImages.PIXELS];
    int[] lb = all.labelled() ? new int[to - from] : null;
    for (int i = from; i < to; i++) {
      System.arraycopy(all.pixels(), order[i] * DigitImages.PIXELS, px,
          (i - from) * DigitImages.PIXELS, DigitImages.PIXELS);
      if (lb != null) {
        lb[i - from] = all.labels()[order[i]];
      }
    }
    return new DigitImages(px, lb);
  }

  /** One decoded image: 784 pixels and a label, -1 when unknown. */
  record Labelled(byte[] pixels, int label) implements Serializable {}

  private static JavaRDD<DigitImages> pngFolder(JavaSparkContext sc, FileSystem fs, Path dir,
      String labelPattern, int workers) throws IOException {
    if (!fs.getFileStatus(dir).isDirectory()) {
      throw new InvalidInputException("input '" + dir + "' is not a folder of PNG files");
    }
    Pattern pattern = labelPattern == null ? null : Pattern.compile(labelPattern);
    List<String> globs = new ArrayList<>();
    for (String g : new String[] {"*.png", "*/*.png"}) {
      FileStatus[] hits = fs.globStatus(new Path(dir, g));
      if (hits != null && hits.length > 0) {
        globs.add(new Path(dir, g).toString());
      }
    }
    if (globs.isEmpty()) {
      throw new InvalidInputException("input '" + dir + "' holds no images: no *.png files "
          + "in it or in its sub-folders");
    }
    String glob = String.join(",", globs);
    JavaRDD<Labelled> images = sc.binaryFiles(glob, workers).map(
        (Tuple2<String, org.apache.spark.input.PortableDataStream> t) -> new Labelled(
            PngCodec.decodeDigit(t._2().toArray(), t._1()), labelOf(t._1(), pattern)));
    return toPartitions(images, workers);
  }

  static int labelOf(String file, Pattern pattern) {
    String name = file.substring(file.lastIndexOf('/') + 1);
    if (pattern != null) {
      Matcher m = pattern.matcher(name);
      if (!m.matches() || m.groupCount() < 1) {
        throw new InvalidInputException("file '" + file + "' does not match option "
            + "'label-pattern' (" + pattern + "): fix the pattern or the file name");
      }
      return parseDigit(m.group(1), file);
    }
    String parent = file.substring(0, Math.max(0, file.lastIndexOf('/')));
    String folder = parent.substring(parent.lastIndexOf('/') + 1);
    return folder.matches("[0-9]") ? Integer.parseInt(folder) : -1;
  }

  private static int parseDigit(String s, String file) {
    if (!s.matches("[0-9]")) {
      throw new InvalidInputException("file '" + file + "': option 'label-pattern' captured '"
          + s + "', which is not a digit 0..9");
    }
    return Integer.parseInt(s);
  }

  private static JavaRDD<DigitImages> parquet(SparkSession spark, String input, String imageCol,
      String labelCol, int workers) {
    Dataset<Row> df = spark.read().parquet(input);
    List<String> names = Arrays.asList(df.columns());
    if (!names.contains(imageCol)) {
      throw new InvalidInputException("input '" + input + "' has no image column '" + imageCol
          + "' (columns: " + names + "): set option 'image-column'");
    }
    DataType type = df.schema().apply(imageCol).dataType();
    boolean png = type instanceof BinaryType;
    if (!png && !(type instanceof ArrayType a && a.elementType() instanceof NumericType)) {
      throw new InvalidInputException("image column '" + imageCol + "' of '" + input + "' has "
          + "type " + type.simpleString() + ": use PNG bytes (binary) or 784 numbers 0..255");
    }
    boolean hasLabel = names.contains(labelCol);
    if (hasLabel) {
      StructField lf = df.schema().apply(labelCol);
      if (!(lf.dataType() instanceof NumericType)) {
        throw new InvalidInputException("label column '" + labelCol + "' of '" + input
            + "' has type " + lf.dataType().simpleString() + ": use integers 0..9");
      }
      df = df.select(imageCol, labelCol);
    } else {
      df = df.select(imageCol);
    }
    String source = input;
    JavaRDD<Labelled> images = df.javaRDD().map(r -> {
      byte[] px;
      if (png) {
        px = PngCodec.decodeDigit(r.getAs(0), source + " column " + imageCol);
      } else {
        List<Object> v = r.getList(0);
        if (v.size() != DigitImages.PIXELS) {
          throw new InvalidInputException("image column '" + imageCol + "' of '" + source
              + "' has a row of " + v.size() + " values; 28x28 images need 784");
        }
        px = new byte[DigitImages.PIXELS];
        for (int i = 0; i < px.length; i++) {
          double d = ((Number) v.get(i)).doubleValue();
          if (!(d >= 0 && d <= 255)) {
            throw new InvalidInputException("image column '" + imageCol + "' of '" + source
                + "' has pixel value " + d + "; pixels are 0..255");
          }
          px[i] = (byte) Math.round(d);
        }
      }
      int label = -1;
      if (r.size() > 1 && !r.isNullAt(1)) {
        double l = ((Number) r.get(1)).doubleValue();
        if (l != Math.rint(l) || l < 0 || l > 9) {
          throw new InvalidInputException("label column '" + labelCol + "' of '" + source
              + "' has value " + l + "; digit labels are 0..9");
        }
        label = (int) l;
      }
      return new Labelled(px, label);
    });
    return toPartitions(images, workers);
  }

  private static JavaRDD<DigitImages> toPartitions(JavaRDD<Labelled> images, int workers) {
    return images.repartition(workers).mapPartitions((Iterator<Labelled> it) -> {
      List<Labelled> all = new ArrayList<>();
      it.forEachRemaining(all::add);
      byte[] px = new byte[all.size() * DigitImages.PIXELS];
      int[] lb = new int[all.size()];
      boolean labelled = true;
      for (int i = 0; i < all.size(); i++) {
        System.arraycopy(all.get(i).pixels(), 0, px, i * DigitImages.PIXELS,
            DigitImages.PIXELS);
        lb[i] = all.get(i).label();
        labelled &= lb[i] >= 0;
      }
      return List.of(new DigitImages(px, labelled ? lb : null)).iterator();
    });
  }
}
