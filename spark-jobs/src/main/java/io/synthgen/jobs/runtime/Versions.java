package io.synthgen.jobs.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/** This release and the versions of what it runs on, as {@code --version} and run records say. */
public final class Versions {
  /** This release. */
  public static final String SYNTHGEN = "0.1.0";

  private Versions() {}

  /** synthgen, Spark, Hadoop and Java versions of this JVM, in that order. */
  public static Map<String, String> all() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("synthgen", SYNTHGEN);
    v.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    v.put("hadoop", org.apache.hadoop.util.VersionInfo.getVersion());
    v.put("java", System.getProperty("java.version"));
    return v;
  }
}
