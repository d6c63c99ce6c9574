package io.synthgen.model.config;

import io.synthgen.model.InvalidInputException;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One configuration key: its name, type, default, description and validity rule.
 *
 * @param <T> the parsed value type
 */
public final class OptionSpec<T> {
  private final String key;
  private final T defaultValue;
  private final String description;
  private final Function<String, T> parser;
  private final Predicate<T> valid;
  private final String validity;
  private final String valueBeforeKey;

  private OptionSpec(String key, T defaultValue, String description, Function<String, T> parser,
      Predicate<T> valid, String validity) {
    this(key, defaultValue, description, parser, valid, validity, null);
  }

  private OptionSpec(String key, T defaultValue, String description, Function<String, T> parser,
      Predicate<T> valid, String validity, String valueBeforeKey) {
    this.key = Objects.requireNonNull(key);
    this.defaultValue = defaultValue;
    this.description = Objects.requireNonNull(description);
    this.parser = parser;
    this.valid = valid;
    this.validity = validity;
    this.valueBeforeKey = valueBeforeKey;
  }

  /**
   * This option, where a model bundle that does not record the key (one written before the key
   * existed) reads as {@code text} rather than as the default: for a key whose default changed
   * from what such models did.
   */
  public OptionSpec<T> withValueBeforeKey(String text) {
    parse(text, "value before the key");
    return new OptionSpec<>(key, defaultValue, description, parser, valid, validity, text);
  }

  /**
   * This option with default {@code def} (checked): for a key shared by several models whose
   * best value differs between them, e.g. a train key a model family gives its own default.
   */
  public OptionSpec<T> withDefault(T def) {
    if (def != null && !valid.test(def)) {
      throw new IllegalArgumentException("default " + format(def) + " of option '" + key
          + "' is not " + validity);
    }
    return new OptionSpec<>(key, def, description, parser, valid, validity, valueBeforeKey);
  }

  /** What a bundle without this key meant (see {@link #withValueBeforeKey}); null: the default. */
  public String valueBeforeKey() {
    return valueBeforeKey;
  }

  public static OptionSpec<Integer> ofInt(String key, int def, int min, int max, String description) {
    return new OptionSpec<>(key, def, description, Integer::parseInt, v -> v >= min && v <= max,
        "an integer in [" + min + ", " + max + "]");
  }

  public static OptionSpec<Long> ofLong(String key, long def, String description) {
    return new OptionSpec<>(key, def, description, Long::parseLong, v -> true, "an integer");
  }

  public static OptionSpec<Double> ofDouble(String key, double def, double min, double max,
      String description) {
    return new OptionSpec<>(key, def, description, Double::parseDouble,
        v -> v >= min && v <= max && !v.isNaN(), "a number in [" + min + ", " + max + "]");
  }

  /**
   * A number option that may be unset: default {@code none} (null); {@link Options.Builder#set}
   * reads the text {@code none} as unset, so a recorded config reads back as it was written.
   */
  public static OptionSpec<Double> ofOptionalDouble(String key, double min, double max,
      String description) {
    return new OptionSpec<>(key, null, description, Double::parseDouble,
        v -> v >= min && v <= max && !v.isNaN(), "none or a number in [" + min + ", " + max
            + "]");
  }

  public static OptionSpec<Boolean> ofBoolean(String key, boolean def, String description) {
    return new OptionSpec<>(key, def, description, s -> {
      if (s.equalsIgnoreCase("true")) {
        return true;
      }
      if (s.equalsIgnoreCase("false")) {
        return false;
      }
      throw new IllegalArgumentException(s);
    }, v -> true, "true or false");
  }

  /** A string option; {@code def} may be null, meaning "not set". */
  public static OptionSpec<String> ofString(String key, String def, String description) {
    return new OptionSpec<>(key, def, description, s -> s, v -> !v.isEmpty(), "a non-empty string");
  }

  /** A string option that must be one of {@code choices} (compared case-insensitively). */
  public static OptionSpec<String> ofChoice(String key, String def, List<String> choices,
      String description) {
    return new OptionSpec<>(key, def, description, s -> s.toLowerCase(java.util.Locale.ROOT),
        choices::contains, "one of " + String.join(", ", choices));
  }

  /** A comma-separated list of positive integers, such as layer widths. */
  public static OptionSpec<int[]> ofIntList(String key, int[] def, String description) {
    return new OptionSpec<>(key, def, description, s -> {
      String[] parts = s.split(",");
      int[] out = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        out[i] = Integer.parseInt(parts[i].trim());
      }
      return out;
    }, v -> v.length > 0 && java.util.Arrays.stream(v).allMatch(x -> x > 0),
        "a comma-separated list of positive integers");
  }

  public String key() {
    return key;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** What a valid value is, in words (e.g. "an integer in [1, 100]", "one of a, b"). */
  public String validity() {
    return validity;
  }

  /** The default as written in a config file, or "none". */
  public String defaultText() {
    return format(defaultValue);
  }

  /** Formats a value the way a config file would write it. */
  public String format(Object value) {
    if (value == null) {
      return "none";
    }
    if (value instanceof int[]) {
      StringBuilder sb = new StringBuilder();
      for (int v : (int[]) value) {
        sb.append(sb.length() == 0 ? "" : ",").append(v);
      }
      return sb.toString();
    }
    return String.valueOf(value);
  }

  /** Parses and validates {@code text}; the error names the key, the value and what is allowed. */
  public T parse(String text, String source) {
    T value;
    try {
      value = parser.apply(text.trim());
    } catch (RuntimeException e) {
      throw invalid(text, source);
    }
    if (!valid.test(value)) {
      throw invalid(text, source);
    }
    return value;
  }

  private InvalidInputException invalid(String text, String source) {
    return new InvalidInputException("option '" + key + "' (" + source + ") has invalid value '"
        + text + "': expected " + validity + " (default " + defaultText() + "; " + description + ")");
  }
}
