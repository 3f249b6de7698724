package dev.honest.common.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The project's JSON conventions in one place: snake_case names, fields in declaration order,
 * nulls written out (a record's shape never depends on its values). Never use it for fabric8
 * objects; those go through fabric8's own serialization.
 */
public final class Json {
  private static final JsonMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .changeDefaultPropertyInclusion(v -> v.withValueInclusion(JsonInclude.Include.ALWAYS))
      .build();

  private static final JsonMapper PRETTY = MAPPER.rebuild()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  private Json() {}

  /** The shared mapper (immutable, thread-safe). */
  public static JsonMapper mapper() {
    return MAPPER;
  }

  /** The same conventions, indented, for files people read. */
  public static JsonMapper pretty() {
    return PRETTY;
  }
}
