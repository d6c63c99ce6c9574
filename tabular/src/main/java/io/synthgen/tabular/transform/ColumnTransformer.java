package io.synthgen.tabular.transform;

import com.fasterxml.jackson.databind.JsonNode;
import io.synthgen.tabular.ValueType;
import java.io.Serializable;

/** Encodes one column into a span of the generator's output vector, and decodes it back. */
public sealed interface ColumnTransformer extends Serializable
    permits ModeSpecificNormalizer, OneHotCategoryEncoder {
  String name();

  ValueType valueType();

  /** Encoded width. */
  int width();

  JsonNode toJson();
}
