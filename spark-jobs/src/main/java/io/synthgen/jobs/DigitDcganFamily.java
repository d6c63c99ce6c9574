package io.synthgen.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.image.DcganConfig;
import io.synthgen.image.DcganTrainer;
import io.synthgen.image.DigitImages;
import io.synthgen.image.DigitSampler;
import io.synthgen.image.ImageGrid;
import io.synthgen.image.LatentPaths;
import io.synthgen.image.PngCodec;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.Seeds;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.train.TrainingListener;
import io.synthgen.model.train.TrainingState;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark stages of the {@code digit-dcgan} family (the networks and their training live in the
 * image module): training through the shared parameter-averaging trainer with a sample grid at
 * every checkpoint, generation fanned out over partitions to Parquet (PNG bytes, label, seed,
 * index) or a folder of PNG files, and latent-space walks.
 */
public final class DigitDcganFamily implements SparkModelFamily, LatentSpaceExplorer {
  private static final Logger LOG = LoggerFactory.getLogger(DigitDcganFamily.class);
  public static final String NAME = "digit-dcgan";
  /** Name of the sample grid written with the checkpoint of round {@code r}. */
  static final String GRID_NAME = "samples-round-%06d.png";
  static final String LABEL_COLUMN = "label";

  private static final List<OptionSpec<?>> SPECS;

  static {
    List<OptionSpec<?>> s = new ArrayList<>(DcganConfig.SPECS);
    s.addAll(DigitReader.SPECS);
    SPECS = List.copyOf(s);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<OptionSpec<?>> modelOptions() {
    return SPECS;
  }

  @Override
  public TrainSummary train(SparkSession spark, Options options, boolean resume,
      List<TrainingListener> listeners) throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    DigitReader.TrainingInput in = DigitReader.forTraining(spark, NAME, SPECS, options, resume);
    TrainingSession session = in.session();
    options = in.options();
    String input = in.input();
    long seed = in.seed();
    DcganConfig config = DcganConfig.from(options);
    int workers = in.workers();
    DigitReader.Loaded data = in.data();
    LOG.info("train {}: seed={} input={} model-dir={} conditional={} loss={}", NAME, seed, input,
        session.modelDir(), config.conditional, config.loss.key());
    try {
      if (config.conditional && !data.labelled()) {
        throw new InvalidInputException("input '" + input + "' has images without labels, "
            + "which conditional=true needs: give labels (IDX label file via option 'labels', "
            + "PNG sub-folders 0..9 or option 'label-pattern', a Parquet label column) or train "
            + "with conditional=false");
      }
      double prepSeconds = in.preprocessingSeconds();
      LOG.info("preprocessing: {} images ({}), labelled={}, {} s", data.count(), data.format(),
          data.labelled(), String.format(Locale.ROOT, "%.2f", prepSeconds));
      long rowsPerStep = (long) config.batchSize * config.discriminatorSteps;
      DcganTrainer trainer = new DcganTrainer(config,
          session.totalSteps(data.count(), workers, rowsPerStep));
      ObjectNode metadata = in.metadata();
      metadata.put("labelled", data.labelled());
      ObjectNode transformer = ModelBundle.json().createObjectNode();
      transformer.put("side", DigitImages.SIDE);
      transformer.put("pixelRange", "tanh output [-1, 1] maps to 0..255");
      if (data.labelled()) {
        ArrayNode counts = transformer.putArray("classCounts");
        for (long c : data.classCounts()) {
          counts.add(c);
        }
      }
      HadoopBundleStore store = session.store();
      TrainingSession.CheckpointHook grid = (state, round) -> {
        try (OutputStream out = store.create(String.format(Locale.ROOT, GRID_NAME, round))) {
          out.write(progressGrid(config, state, seed));
        }
      };
      TrainingSession.Plan<DigitImages> plan = new TrainingSession.Plan<>(data.partitions(),
          trainer, trainer::initialState, data.count(), workers, rowsPerStep, metadata,
          transformer);
      return session.train(sc, plan, listeners, prepSeconds, grid);
    } finally {
      data.partitions().unpersist(false);
    }
  }

  /** A 10x10 grid of a fixed noise batch; one row per class when conditional. */
  static byte[] progressGrid(DcganConfig config, TrainingState state, long seed) {
    DigitSampler sampler = new DigitSampler(config,
        DcganTrainer.samplingWeights(state.tensors()));
    int[] labels = config.conditional ? IntStream.range(0, 100).map(i -> i / 10).toArray() : null;
    return ImageGrid.render(sampler.sample(Seeds.derive(seed, Seeds.SAMPLE), 0, 100, labels),
        10, 10);
  }

  // ---------------------------------------------------------------- generation

  /**
   * The intended label of every generated image, from (seed, index) alone.
   *
   * @param fixed the label of every image, or -1
   * @param balanced labels cycle 0..9, so every class gets rows/10 (+1 for the first rows%10)
   * @param cumulative class frequencies of the training images, drawn from per image
   */
  record LabelPlan(boolean conditional, int fixed, boolean balanced, double[] cumulative)
      implements Serializable {
    int labelOf(long seed, long index) {
      if (!conditional) {
        return -1;
      }
      if (fixed >= 0) {
        return fixed;
      }
      if (balanced) {
        return (int) (index % DigitImages.CLASSES);
      }
      double u = new Random(Seeds.derive(seed, Seeds.SAMPLE, index)).nextDouble();
      for (int c = 0; c < cumulative.length; c++) {
        if (u < cumulative[c]) {
          return c;
        }
      }
      return cumulative.length - 1;
    }

    int[] labels(long seed, long first, int count) {
      if (!conditional) {
        return null;
      }
      int[] l = new int[count];
      for (int i = 0; i < count; i++) {
        l[i] = labelOf(seed, first + i);
      }
      return l;
    }
  }

  static LabelPlan labelPlan(DcganConfig config, ModelBundle bundle, String condition,
      boolean balanced) {
    if (!config.conditional) {
      if (condition != null || balanced) {
        throw new InvalidInputException("model '" + NAME + "' in this bundle was trained "
            + "unconditionally (conditional=false), so it cannot honour "
            + (condition != null ? "--condition " + condition : "--class-balanced")
            + ": retrain with --set conditional=true");
      }
      return new LabelPlan(false, -1, false, null);
    }
    int fixed = -1;
    if (condition != null) {
      if (balanced) {
        throw new InvalidInputException("--condition and --class-balanced exclude each other: "
            + "pass one of them");
      }
      fixed = parseCondition(condition);
    }
    double[] cum = new double[DigitImages.CLASSES];
    double total = 0;
    var counts = bundle.transformer().path("classCounts");
    for (int c = 0; c < cum.length; c++) {
      total += counts.path(c).asDouble(1);
      cum[c] = total;
    }
    for (int c = 0; c < cum.length; c++) {
      cum[c] /= total;
    }
    return new LabelPlan(true, fixed, balanced, cum);
  }

  static int parseCondition(String condition) {
    int eq = condition.indexOf('=');
    String col = eq < 0 ? "" : condition.substring(0, eq).trim();
    String val = eq < 0 ? "" : condition.substring(eq + 1).trim();
    if (!col.equals(LABEL_COLUMN) || !val.matches("[0-9]")) {
      throw new InvalidInputException("option '--condition' has value '" + condition
          + "': digit models take label=D with D in 0..9, e.g. --condition label=7");
    }
    return Integer.parseInt(val);
  }

  /** What each generation partition needs; shipped once per job as a broadcast. */
  record GeneratorPayload(DcganConfig config, float[] weights, LabelPlan labels, long seed,
      long rows, int partitions) implements Serializable {
    long first(int partition) {
      return rows * partition / partitions;
    }
  }

  static StructType schema() {
    return DataTypes.createStructType(List.of(
        DataTypes.createStructField("image", DataTypes.BinaryType, false),
        DataTypes.createStructField(LABEL_COLUMN, DataTypes.IntegerType, true),
        DataTypes.createStructField("seed", DataTypes.LongType, false),
        DataTypes.createStructField("index", DataTypes.LongType, false)));
  }

  @Override
  public GenerateSummary generate(SparkSession spark, ModelBundle bundle, GenerateRequest req)
      throws Exception {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    DcganConfig config = DcganConfig.from(
        TrainingSession.modelOptionsOf(bundle, DcganConfig.SPECS));
    LabelPlan labels = labelPlan(config, bundle, req.condition(), req.classBalanced());
    String format = req.format() == null ? "parquet" : req.format();
    if (!format.equals("parquet") && !format.equals("png")) {
      throw new InvalidInputException("option '--output-format' has value '" + format
          + "': digit images are written as parquet or png");
    }
    LOG.info("generate {}: rows={} partitions={} seed={} condition={} balanced={} output={}",
        NAME, req.rows(), req.partitions(), req.seed(), req.condition(), req.classBalanced(),
        req.output());
    GeneratorPayload p = new GeneratorPayload(config,
        DcganTrainer.samplingWeights(bundle.tensors()), labels, req.seed(), req.rows(),
        req.partitions());
    long t0 = System.nanoTime();
    try (AtomicOutput out = AtomicOutput.open(req.output(), req.overwrite(), hadoop)) {
      Broadcast<GeneratorPayload> payload = sc.broadcast(p);
      List<Integer> ids = IntStream.range(0, req.partitions()).boxed().toList();
      JavaRDD<Integer> parts = sc.parallelize(ids, req.partitions());
      if (format.equals("png")) {
        String staging = out.stagingPath();
        parts.foreachPartition(it -> writePngs(payload.value(), it, staging));
        if (labels.conditional()) {
          writeLabels(p, new Path(staging, "labels.txt"), hadoop);
        }
      } else {
        spark.createDataFrame(parts.mapPartitions(new GeneratePartition(payload)), schema())
            .write().parquet(out.stagingPath());
      }
      out.commit();
      payload.destroy();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (req.preview() != null) {
      int n = (int) Math.min(100, req.rows());
      DigitSampler sampler = new DigitSampler(config, p.weights());
      byte[] png = ImageGrid.render(sampler.sample(p.seed(), 0, n, labels.labels(p.seed(), 0, n)),
          (n + 9) / 10, 10);
      Path preview = new Path(req.preview());
      try (OutputStream o = preview.getFileSystem(hadoop).create(preview, true)) {
        o.write(png);
      }
      LOG.info("preview of the first {} images written to {}", n, preview);
    }
    return new GenerateSummary(req.rows(), req.partitions(), seconds, req.output(), 0, 0);
  }

  private static void writePngs(GeneratorPayload p, Iterator<Integer> ids, String dir)
      throws IOException {
    DigitSampler sampler = new DigitSampler(p.config(), p.weights());
    Path base = new Path(dir);
    FileSystem fs = base.getFileSystem(new Configuration());
    fs.setWriteChecksum(false);
    while (ids.hasNext()) {
      int id = ids.next();
      for (long i = p.first(id); i < p.first(id + 1); i += DigitSampler.CHUNK) {
        int n = (int) Math.min(DigitSampler.CHUNK, p.first(id + 1) - i);
        DigitImages img = sampler.sample(p.seed(), i, n, p.labels().labels(p.seed(), i, n));
        for (int j = 0; j < n; j++) {
          try (OutputStream o = fs.create(new Path(base,
              String.format(Locale.ROOT, "%09d.png", i + j)), false)) {
            o.write(PngCodec.encodeDigit(img.pixels(), j));
          }
        }
      }
    }
  }

  private static void writeLabels(GeneratorPayload p, Path file, Configuration conf)
      throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    fs.setWriteChecksum(false);
    try (Writer w = new java.io.OutputStreamWriter(fs.create(file, false),
        StandardCharsets.UTF_8)) {
      for (long i = 0; i < p.rows(); i++) {
        w.write(Integer.toString(p.labels().labelOf(p.seed(), i)));
        w.write('\n');
      }
    }
  }

  /** Generates one partition's images, chunk by chunk, from their (seed, index). */
  static final class GeneratePartition implements FlatMapFunction<Iterator<Integer>, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<GeneratorPayload> payload;

    GeneratePartition(Broadcast<GeneratorPayload> payload) {
      this.payload = payload;
    }

    @Override
    public Iterator<Row> call(Iterator<Integer> ids) {
      GeneratorPayload p = payload.value();
      DigitSampler sampler = new DigitSampler(p.config(), p.weights());
      return new Iterator<>() {
        private long next;
        private long end;
        private DigitImages chunk;
        private long chunkFirst;

        @Override
        public boolean hasNext() {
          while (next >= end) {
            if (!ids.hasNext()) {
              return false;
            }
            int id = ids.next();
            next = p.first(id);
            end = p.first(id + 1);
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          if (chunk == null || next >= chunkFirst + chunk.count() || next < chunkFirst) {
            int n = (int) Math.min(DigitSampler.CHUNK, end - next);
            chunk = sampler.sample(p.seed(), next, n, p.labels().labels(p.seed(), next, n));
            chunkFirst = next;
          }
          int j = (int) (next - chunkFirst);
          Integer label = chunk.labelled() ? chunk.labels()[j] : null;
          Row r = RowFactory.create(PngCodec.encodeDigit(chunk.pixels(), j), label, p.seed(),
              next);
          next++;
          return r;
        }
      };
    }
  }

  // ---------------------------------------------------------------- latent walks

  @Override
  public byte[] explore(ModelBundle bundle, ExploreRequest req) {
    DcganConfig config = DcganConfig.from(
        TrainingSession.modelOptionsOf(bundle, DcganConfig.SPECS));
    if ((req.interpolate() == null) == (req.gridDims() == null)) {
      throw new InvalidInputException("pass exactly one of --interpolate A,B and --grid D1,D2");
    }
    if (req.steps() < 2 || req.steps() > 100) {
      throw new InvalidInputException("option '--steps' has value " + req.steps()
          + ": use 2..100");
    }
    int[] rowLabels;
    if (!config.conditional) {
      if (req.condition() != null) {
        throw new InvalidInputException("this model is unconditional: drop --condition");
      }
      rowLabels = new int[] {-1};
    } else if (req.condition() != null) {
      rowLabels = new int[] {parseCondition(req.condition())};
    } else {
      rowLabels = IntStream.range(0, DigitImages.CLASSES).toArray();
    }
    DigitSampler sampler = new DigitSampler(config,
        DcganTrainer.samplingWeights(bundle.tensors()));
    List<float[]> points = new ArrayList<>();
    int cols = req.steps();
    if (req.interpolate() != null) {
      float[][] line = LatentPaths.interpolate(sampler.latent(req.seed(), req.interpolate()[0]),
          sampler.latent(req.seed(), req.interpolate()[1]), req.steps());
      for (int r = 0; r < rowLabels.length; r++) {
        points.addAll(List.of(line));
      }
    } else {
      int[] d = req.gridDims();
      if (d[0] < 0 || d[1] < 0 || d[0] >= config.latentDim || d[1] >= config.latentDim
          || d[0] == d[1]) {
        throw new InvalidInputException("option '--grid' has value " + d[0] + "," + d[1]
            + ": give two different latent dimensions in 0.." + (config.latentDim - 1));
      }
      if (rowLabels.length > 1) {
        throw new InvalidInputException("a grid walk of a conditional model needs one class: "
            + "add --condition label=D");
      }
      points.addAll(List.of(LatentPaths.grid(sampler.latent(req.seed(), req.baseIndex()), d[0],
          d[1], req.range(), req.steps())));
    }
    int[] labels = null;
    if (config.conditional) {
      labels = new int[points.size()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = rowLabels.length == 1 ? rowLabels[0] : rowLabels[i / cols];
      }
    }
    DigitImages img = sampler.render(points.toArray(new float[0][]), labels);
    return ImageGrid.render(img, points.size() / cols, cols);
  }

  @Override
  public void evaluate(SparkSession spark, ModelBundle bundle, EvaluateRequest request,
      EvaluationReport report) throws Exception {
    DigitEvaluator.evaluate(spark, request, report);
  }
}
