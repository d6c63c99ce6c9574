package io.synthgen.model.config;

import io.synthgen.model.InvalidInputException;
import java.io.IOException;
import java.io.Reader;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * An immutable set of validated option values over a fixed list of {@link OptionSpec}s.
 *
 * <p>Values come from config files (Java properties syntax: {@code key = value}, {@code #}
 * comments), {@code --set key=value} overrides and command-line flags, later sources winning. An
 * unknown key is an error that names it and lists the known keys.
 */
public final class Options {
  private final Map<String, OptionSpec<?>> specs;
  private final Map<String, Object> values;
  private final Map<String, String> sources;

  private Options(Map<String, OptionSpec<?>> specs, Map<String, Object> values,
      Map<String, String> sources) {
    this.specs = specs;
    this.values = values;
    this.sources = sources;
  }

  public static Builder builder(Collection<OptionSpec<?>> specs) {
    return new Builder(specs);
  }

  /**
   * Value of {@code spec}'s key, or when it was not set the default of the spec these options
   * declare for the key (which may differ from {@code spec}'s: {@link OptionSpec#withDefault}).
   */
  @SuppressWarnings("unchecked")
  public <T> T get(OptionSpec<T> spec) {
    OptionSpec<?> declared = specs.get(spec.key());
    if (declared == null) {
      throw new IllegalArgumentException("option not declared: " + spec.key());
    }
    return values.containsKey(spec.key()) ? (T) values.get(spec.key())
        : (T) declared.defaultValue();
  }

  /** Whether {@code spec} was set explicitly. */
  public boolean isSet(OptionSpec<?> spec) {
    return values.containsKey(spec.key());
  }

  /** Every declared key with its effective value as text (for logs and model bundles). */
  public Map<String, String> effectiveValues() {
    Map<String, String> out = new LinkedHashMap<>();
    for (OptionSpec<?> spec : specs.values()) {
      out.put(spec.key(), spec.format(get(spec)));
    }
    return out;
  }

  /** Explicitly set keys with their values as text. */
  public Map<String, String> explicitValues() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      out.put(e.getKey(), specs.get(e.getKey()).format(e.getValue()));
    }
    return out;
  }

  /** A copy with {@code spec} set to {@code value} ({@code source} names why, for errors). */
  public <T> Options with(OptionSpec<T> spec, T value, String source) {
    Builder copy = new Builder(specs.values());
    copy.values.putAll(values);
    copy.sources.putAll(sources);
    return copy.set(spec, value, source).build();
  }

  public Collection<OptionSpec<?>> specs() {
    return Collections.unmodifiableCollection(specs.values());
  }

  /** Human help text: one line per key with its default and description. */
  public static String describe(Collection<OptionSpec<?>> specs) {
    StringBuilder sb = new StringBuilder();
    for (OptionSpec<?> s : specs) {
      sb.append(String.format("  %s (default: %s)%n      %s%n", s.key(), s.defaultText(),
          s.description()));
    }
    return sb.toString();
  }

  /** Validating builder for {@link Options}. */
  public static final class Builder {
    private final Map<String, OptionSpec<?>> specs = new LinkedHashMap<>();
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();

    private Builder(Collection<OptionSpec<?>> specList) {
      for (OptionSpec<?> s : specList) {
        if (specs.put(s.key(), s) != null) {
          throw new IllegalArgumentException("duplicate option key: " + s.key());
        }
      }
    }

    /**
     * Sets {@code key} from text; {@code source} names where it came from, for errors. For a key
     * whose default is none, the text {@code none} (as written by {@link #effectiveValues()})
     * leaves it unset.
     */
    public Builder set(String key, String text, String source) {
      OptionSpec<?> spec = specs.get(key);
      if (spec == null) {
        throw new InvalidInputException("unknown option '" + key + "' (" + source
            + "); known options: " + String.join(", ", new TreeSet<>(specs.keySet())));
      }
      if (spec.defaultValue() == null && text.trim().equals(spec.format(null))) {
        values.remove(key);
        sources.put(key, source);
        return this;
      }
      values.put(key, spec.parse(text, source));
      sources.put(key, source);
      return this;
    }

    /** Sets a typed value directly (from a command-line flag). */
    public <T> Builder set(OptionSpec<T> spec, T value, String source) {
      if (!specs.containsKey(spec.key())) {
        throw new IllegalArgumentException("option not declared: " + spec.key());
      }
      if (value != null) {
        spec.parse(spec.format(value), source);
        values.put(spec.key(), value);
        sources.put(spec.key(), source);
      }
      return this;
    }

    /**
     * Sets every declared key from {@code recorded} (a model bundle's config): its recorded
     * value, or for a key added after the bundle was written, the key's
     * {@link OptionSpec#valueBeforeKey()} (the behaviour before the key existed), when it has one.
     */
    public Builder setRecorded(Map<String, String> recorded, String source) {
      for (OptionSpec<?> s : specs.values()) {
        String v = recorded.get(s.key());
        if (v != null) {
          set(s.key(), v, source);
        } else if (s.valueBeforeKey() != null) {
          set(s.key(), s.valueBeforeKey(), source + " written before the key");
        }
      }
      return this;
    }

    /** Parses {@code key=value}, as given to {@code --set}. */
    public Builder setAssignment(String assignment, String source) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new InvalidInputException("option assignment '" + assignment + "' (" + source
            + ") is not of the form key=value");
      }
      return set(assignment.substring(0, eq).trim(), assignment.substring(eq + 1), source);
    }

    /** Reads a config file in Java properties syntax. */
    public Builder load(Reader reader, String fileName) throws IOException {
      Properties p = new Properties();
      p.load(reader);
      for (String key : new TreeSet<>(p.stringPropertyNames())) {
        set(key, p.getProperty(key), "config file " + fileName);
      }
      return this;
    }

    public Options build() {
      return new Options(Collections.unmodifiableMap(new LinkedHashMap<>(specs)),
          Collections.unmodifiableMap(new LinkedHashMap<>(values)),
          Collections.unmodifiableMap(new LinkedHashMap<>(sources)));
    }
  }
}
