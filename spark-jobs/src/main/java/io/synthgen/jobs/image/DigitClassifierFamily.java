package io.synthgen.jobs.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synthgen.image.DigitClassifier;
import io.synthgen.image.DigitImages;
import io.synthgen.jobs.family.SparkModelFamily;
import io.synthgen.jobs.io.DigitReader;
import io.synthgen.jobs.train.TrainSummary;
import io.synthgen.jobs.train.TrainingSession;
import io.synthgen.model.InvalidInputException;
import io.synthgen.model.bundle.ModelBundle;
import io.synthgen.model.config.OptionSpec;
import io.synthgen.model.config.Options;
import io.synthgen.model.train.TrainingListener;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code digit-classifier} family: the CNN the image evaluation measures with
 * ({@link DigitClassifier}), trained on labelled real digits through the same parameter-averaging
 * trainer and kept as a versioned model bundle. It does not generate.
 */
public final class DigitClassifierFamily implements SparkModelFamily {
  private static final Logger LOG = LoggerFactory.getLogger(DigitClassifierFamily.class);
  public static final String NAME = "digit-classifier";
  private static final List<OptionSpec<?>> SPECS =
      DigitReader.withInputOptions(DigitClassifier.SPECS);

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
    DigitTrainingInput in = DigitTrainingInput.open(spark, NAME, SPECS, options, resume);
    DigitReader.Loaded data = in.data();
    DigitClassifier trainer = DigitClassifier.from(
        in.session().workerOptions(in.workers(), DigitClassifier.BATCH_SIZE, 1));
    LOG.info("train {}: seed={} input={} model-dir={}", NAME, in.seed(), in.input(),
        in.session().modelDir());
    try {
      if (!data.labelled()) {
        throw new InvalidInputException("input '" + in.input() + "' has images without labels: "
            + "the digit classifier trains on labelled digits (IDX label file via option "
            + "'labels', PNG sub-folders 0..9 or option 'label-pattern', a Parquet label column)");
      }
      ObjectNode metadata = in.metadata();
      metadata.put("architecture", "conv5x5(32)-BN-ReLU-maxpool2, conv5x5(64)-BN-ReLU-maxpool2, "
          + "dense128-ReLU (features), dropout 0.4, dense10-softmax");
      ObjectNode transformer = ModelBundle.json().createObjectNode();
      transformer.put("side", DigitImages.SIDE);
      transformer.put("input", "pixels / 255, normalized with mean 0.1307 and std 0.3081");
      TrainingSession.Plan<DigitImages> plan = new TrainingSession.Plan<>(data.partitions(),
          trainer, trainer::initialState, data.count(), in.workers(), trainer.batchSize(),
          metadata, transformer);
      return in.session().train(sc, plan, listeners, in.preprocessingSeconds(), null);
    } finally {
      data.partitions().unpersist(false);
    }
  }

  @Override
  public GenerateSummary generate(SparkSession spark, ModelBundle bundle,
      GenerateRequest request) {
    throw new InvalidInputException("model '" + NAME + "' is the evaluation classifier and "
        + "does not generate: pass its directory to evaluate --classifier");
  }
}
