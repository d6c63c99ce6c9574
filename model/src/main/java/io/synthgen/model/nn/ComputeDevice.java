package io.synthgen.model.nn;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The device ND4J computes on in this JVM, as the CPU build ({@code nd4j-native}) or the CUDA
 * build ({@code nd4j-cuda-11.6}, Maven profile {@code gpu}) reports it: for the log line every
 * job and executor writes at start, and for tests that need a GPU.
 */
public final class ComputeDevice {
  private ComputeDevice() {}

  /**
   * Whether ND4J's CUDA backend is loaded; false too when no backend can load (the CUDA build
   * on a host without a usable GPU).
   */
  public static boolean cuda() {
    try {
      return "CUDA".equalsIgnoreCase(backend(Nd4j.getExecutioner()
          .getEnvironmentInformation()));
    } catch (Throwable e) {
      return false;
    }
  }

  /**
   * One line: the backend, and for CUDA every device with its memory, for the CPU its cores
   * and the ops' thread pool.
   */
  public static String describe() {
    Properties env;
    try {
      env = Nd4j.getExecutioner().getEnvironmentInformation();
    } catch (Throwable e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return "no ND4J backend loads here (" + root + ")";
    }
    String backend = backend(env);
    StringBuilder sb = new StringBuilder("ND4J backend ").append(backend);
    Object devices = env.get("cuda.devicesInformation");
    if (devices instanceof List<?> list && !list.isEmpty()) {
      sb.append(", ").append(list.size()).append(" CUDA device(s):");
      for (Object d : list) {
        if (d instanceof Map<?, ?> m) {
          sb.append(' ').append(m.get("cuda.deviceName")).append(" (")
              .append(toGiB(m.get("cuda.totalMemory"))).append(" GiB, compute ")
              .append(m.get("cuda.deviceMajor")).append('.').append(m.get("cuda.deviceMinor"))
              .append(')');
        }
      }
    } else {
      sb.append(", ").append(env.getOrDefault("cores", Runtime.getRuntime()
          .availableProcessors())).append(" cores, op pool ")
          .append(NativeThreads.poolThreads()).append(" threads, BLAS ")
          .append(env.getOrDefault("blas.vendor", "?"));
    }
    return sb.toString();
  }

  /**
   * Makes this thread compute on CUDA device {@code device} (the address Spark's GPU scheduling
   * gave the task); no-op on the CPU backend.
   *
   * @implNote Not run on a GPU in this project's tests (no CUDA device in CI); on clusters that
   *     isolate one GPU per executor, the task's device is 0 anyway.
   */
  public static void useDevice(int device) {
    if (cuda()) {
      Nd4j.getAffinityManager().unsafeSetDevice(device);
    }
  }

  private static String backend(Properties env) {
    Object b = env.get("backend");
    return b == null ? Nd4j.getBackend().getClass().getSimpleName() : b.toString();
  }

  private static String toGiB(Object bytes) {
    if (bytes instanceof Number n) {
      return String.format(java.util.Locale.ROOT, "%.1f", n.doubleValue() / (1L << 30));
    }
    return "?";
  }
}
