package dev.honest.common.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

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

  /**
   * The value at the parser's current token as a tree, as {@code parser.readValueAsTree()} reads it
   * (a repeated member: the last one counts), built straight from the parser's tokens. A reader of
   * many small trees takes this instead: Jackson's node deserializer is one method so large that
   * compiling it took C2 1.3 s of a fresh launcher's 2-core aggregation of 10,000 results.
   */
  public static JsonNode tree(JsonParser parser) {
    JsonNodeFactory nodes = MAPPER.getNodeFactory();
    JsonToken token = parser.currentToken();
    if (token == null) {
      throw new IllegalStateException("the parser is not on a token");
    }
    return switch (token) {
      case START_OBJECT -> {
        ObjectNode object = nodes.objectNode();
        for (String name = parser.nextName(); name != null; name = parser.nextName()) {
          parser.nextToken();
          object.set(name, tree(parser));
        }
        yield object;
      }
      case START_ARRAY -> {
        ArrayNode array = nodes.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(tree(parser));
        }
        yield array;
      }
      case VALUE_STRING -> nodes.stringNode(parser.getString());
      case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
        case INT -> nodes.numberNode(parser.getIntValue());
        case LONG -> nodes.numberNode(parser.getLongValue());
        default -> nodes.numberNode(parser.getBigIntegerValue());
      };
      case VALUE_NUMBER_FLOAT -> nodes.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> nodes.booleanNode(true);
      case VALUE_FALSE -> nodes.booleanNode(false);
      case VALUE_NULL -> nodes.nullNode();
      default -> throw new IllegalStateException("not the start of a JSON value: " + token);
    };
  }

  /** Reads a {@link JsonNode} member of a record with {@link #tree}. */
  public static final class TreeDeserializer extends ValueDeserializer<JsonNode> {
    @Override
    public JsonNode deserialize(JsonParser parser, DeserializationContext context) {
      return tree(parser);
    }

    @Override
    public JsonNode getNullValue(DeserializationContext context) {
      return NullNode.getInstance();
    }
  }
}
