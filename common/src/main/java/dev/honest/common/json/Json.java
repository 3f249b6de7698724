package dev.honest.common.json;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.ValueInstantiators;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.deser.std.StdValueInstantiator;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;
import tools.jackson.databind.introspect.AnnotatedConstructor;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.ClassUtil;

/**
 * The project's JSON conventions in one place: snake_case names, fields in declaration order,
 * nulls written out (a record's shape never depends on its values). Never use it for fabric8
 * objects; those go through fabric8's own serialization.
 *
 * <p>It reads as Jackson does, more cheaply in a fresh JVM, where a launcher reads 10,000 records at
 * once (see docs/performance.md): records are made through their constructor's reflection rather than
 * a method handle, enums through their factory's, and instants in {@link Instant#toString}'s form with
 * arithmetic.
 */
public final class Json {
  private static final JsonMapper MAPPER = JsonMapper.builder()
      .addModule(new Readers())
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

  /**
   * The instant of {@code text} when it has the form {@link Instant#toString} writes for years 0000
   * to 9999 ({@code 2026-11-27T08:14:05.123Z}: seconds always, 1 to 9 digits of fraction, UTC), read
   * with arithmetic alone; null for any other text, which {@link Instant#parse} and Jackson read.
   */
  static Instant utcInstant(String text) {
    int n = text.length();
    if (n < 20 || n == 21 || n > 30 || text.charAt(n - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
        || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
        || n > 20 && text.charAt(19) != '.') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 7);
    int day = digits(text, 8, 10);
    int hour = digits(text, 11, 13);
    int minute = digits(text, 14, 16);
    int second = digits(text, 17, 19);
    int fraction = n == 20 ? 0 : digits(text, 20, n - 1);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || fraction < 0) {
      return null;
    }
    for (int i = n - 1; i < 29; i++) {
      fraction *= 10; // to nanoseconds
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, fraction).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null; // e.g. a leap second or 24:00, which the full parser reads (or refuses)
    }
  }

  /** The decimal number of {@code text}'s characters {@code from} to {@code to}, or -1 when one is not a digit. */
  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /**
   * Reads an instant as Jackson does, the form {@link Instant#toString} writes with {@link #utcInstant}:
   * every record has two, and Jackson's reader (a regular expression, then {@code DateTimeFormatter})
   * took C2 0.8 s to compile in a fresh launcher's aggregation of 10,000 records.
   */
  private static final class InstantReader extends ValueDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) {
      if (parser.currentToken() == JsonToken.VALUE_STRING) {
        Instant instant = utcInstant(parser.getString());
        if (instant != null) {
          return instant;
        }
      }
      return InstantDeserializer.INSTANT.deserialize(parser, context);
    }

    @Override
    public Class<?> handledType() {
      return Instant.class;
    }
  }

  /** How the project's records and instants are read: see {@link InstantReader} and {@link ReflectiveCreators}. */
  private static final class Readers extends SimpleModule {
    Readers() {
      super("honest-readers");
      addDeserializer(Instant.class, new InstantReader());
    }

    @Override
    public void setupModule(SetupContext context) {
      super.setupModule(context);
      context.addValueInstantiators(new ReflectiveCreators());
      context.addDeserializerModifier(new ReflectiveEnumFactories());
    }
  }

  /**
   * Reads an enum whose static {@code @JsonCreator} method takes a string by calling that method
   * through reflection, where Jackson 3 calls it with {@code invokeWithArguments} (as it makes
   * records): twice for every record read, each call making a method type and, in a fresh JVM,
   * lambda forms. Anything else, and any string the method refuses, goes to Jackson's own reader,
   * which then reports it as it always does.
   */
  private static final class ReflectiveEnumFactories extends ValueDeserializerModifier {
    @Override
    public ValueDeserializer<?> modifyEnumDeserializer(DeserializationConfig config, JavaType type,
        BeanDescription.Supplier bean, ValueDeserializer<?> deserializer) {
      Method factory = null;
      for (Method method : type.getRawClass().getDeclaredMethods()) {
        JsonCreator creator = method.getAnnotation(JsonCreator.class);
        if (creator != null && creator.mode() != JsonCreator.Mode.DISABLED) {
          if (factory != null || !Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 1
              || method.getParameterTypes()[0] != String.class || method.getReturnType() != type.getRawClass()
              || creator.mode() == JsonCreator.Mode.PROPERTIES) {
            return deserializer;
          }
          factory = method;
        }
      }
      if (factory == null) {
        return deserializer;
      }
      ClassUtil.checkAndFixAccess(factory, false);
      return new EnumFactoryReader(deserializer, factory);
    }
  }

  private static final class EnumFactoryReader extends DelegatingDeserializer {
    private final Method factory;

    EnumFactoryReader(ValueDeserializer<?> jacksons, Method factory) {
      super(jacksons);
      this.factory = factory;
    }

    @Override
    protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> jacksons) {
      return new EnumFactoryReader(jacksons, factory);
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context) {
      if (parser.currentToken() == JsonToken.VALUE_STRING) {
        try {
          return factory.invoke(null, parser.getString());
        } catch (InvocationTargetException | IllegalAccessException e) {
          // Refused: Jackson's reader calls the method again on the same token and reports it.
        }
      }
      return super.deserialize(parser, context);
    }
  }

  /**
   * Makes records through their constructor's reflection, not the method handle Jackson 3 calls them
   * with ({@code invokeWithArguments}): each call of a new shape makes the JDK generate lambda forms,
   * some 130 classes in a fresh launcher's aggregation, whose bytecode generator the JIT then compiles.
   * A constructor's exception is reported as Jackson reports it.
   */
  private static final class ReflectiveCreators extends ValueInstantiators.Base {
    @Override
    public ValueInstantiator modifyValueInstantiator(DeserializationConfig config, BeanDescription.Supplier bean,
        ValueInstantiator instantiator) {
      if (bean.getBeanClass().isRecord() && instantiator.getClass() == StdValueInstantiator.class
          && ((StdValueInstantiator) instantiator).getWithArgsCreator() instanceof AnnotatedConstructor creator) {
        return new Reflective((StdValueInstantiator) instantiator, creator.getAnnotated());
      }
      return instantiator;
    }
  }

  private static final class Reflective extends StdValueInstantiator {
    private final Constructor<?> constructor;

    Reflective(StdValueInstantiator instantiator, Constructor<?> constructor) {
      super(instantiator);
      // Jackson has made it accessible already, to take its method handle; as Jackson does, if not.
      ClassUtil.checkAndFixAccess(constructor, false);
      this.constructor = constructor;
    }

    @Override
    public Object createFromObjectWith(DeserializationContext context, Object[] args) {
      try {
        return constructor.newInstance(args);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw rewrapCtorProblem(context, e.getCause());
      } catch (ReflectiveOperationException | IllegalArgumentException e) {
        throw rewrapCtorProblem(context, e);
      }
    }
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
