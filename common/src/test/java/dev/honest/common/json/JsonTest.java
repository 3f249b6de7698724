package dev.honest.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.exc.ValueInstantiationException;

class JsonTest {
  private static JsonNode tree(String json) {
    try (JsonParser p = Json.mapper().createParser(json)) {
      p.nextToken();
      JsonNode tree = Json.tree(p);
      assertThat(p.nextToken()).as("the parser is left on the value's last token").isNull();
      return tree;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"payload\":\"eyJfdHlwZSI6Ii4uLiJ9\",\"payloadType\":\"application/vnd.in-toto+json\","
          + "\"signatures\":[{\"keyid\":\"k\",\"sig\":\"AA==\"}]}",
      "{\"sequence\":7,\"previous\":\"ab\",\"nested\":{\"a\":[1,[2,[]],{}],\"b\":null}}",
      "{\"int\":2147483647,\"long\":2147483648,\"big\":123456789012345678901234567890,\"neg\":-1,"
          + "\"float\":1.5,\"exp\":-2.5E-3,\"t\":true,\"f\":false}",
      "{\"text\":\"é \\\"quoted\\\" \\n \\u00e9 \\ud83d\\ude00\",\"\":\"empty name\"}",
      "[1,\"two\",{\"three\":3},[],null]",
      "\"a string\"", "42", "null", "{}"})
  void aTreeBuiltFromTheParsersTokensEqualsJacksonsOwn(String json) {
    JsonNode jackson = Json.mapper().readTree(json);

    JsonNode ours = tree(json);

    assertThat(ours).isEqualTo(jackson);
    assertThat(Json.mapper().writeValueAsString(ours)).isEqualTo(Json.mapper().writeValueAsString(jackson));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-27T08:14:05Z", "2026-11-27T08:14:05.1Z", "2026-11-27T08:14:05.123Z",
      "2026-11-27T08:14:05.123456Z", "2026-11-27T08:14:05.123456789Z", "2026-11-27T08:14:05.000000001Z",
      "1970-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2024-02-29T12:00:00Z"})
  void anInstantAsInstantToStringWritesItIsReadByArithmeticAsInstantParseReadsIt(String text) {
    assertThat(Json.utcInstant(text)).isEqualTo(Instant.parse(text));
    assertThat(Json.mapper().readValue("\"" + text + "\"", Instant.class)).isEqualTo(Instant.parse(text));
  }

  @Test
  void everyInstantToStringWritesIsReadBack() {
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_800L),
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          });
      assertThat(Json.utcInstant(instant.toString())).as(instant.toString()).isEqualTo(instant);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-27T08:14:05", "2026-11-27T08:14:05.Z", "2026-11-27T08:14:05.1234567890Z",
      "2026-11-27 08:14:05Z", "2026-11-27T08:14Z", "2026-11-27T08:14:05+00:00", "2026-11-27t08:14:05z",
      "2026-02-30T08:14:05Z", "2026-11-27T24:00:00Z", "2026-12-31T23:59:60Z", "+12026-11-27T08:14:05Z",
      "2026-1a-27T08:14:05Z", "2026-11-27T08:14:05.12a4Z", ""})
  void anyOtherTextIsLeftToTheFullParser(String text) {
    assertThat(Json.utcInstant(text)).isNull();
  }

  @Test
  void theMapperStillReadsWhatJacksonReadsAndRefusesWhatItRefuses() {
    // Jackson's own reader, for the forms the arithmetic leaves to it.
    assertThat(Json.mapper().readValue("\"2026-11-27T08:14:05+01:00\"", Instant.class))
        .isEqualTo(Instant.parse("2026-11-27T07:14:05Z"));
    assertThat(Json.mapper().readValue("\"2026-12-31T23:59:60Z\"", Instant.class))
        .isEqualTo(Instant.parse("2026-12-31T23:59:60Z"));
    assertThat(Json.mapper().readValue("1700000000", Instant.class)).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
    assertThatThrownBy(() -> Json.mapper().readValue("\"2026-02-30T08:14:05Z\"", Instant.class))
        .isInstanceOf(JacksonException.class).hasMessageContaining("2026-02-30T08:14:05Z");
    assertThatThrownBy(() -> Json.mapper().readValue("\"yesterday\"", Instant.class))
        .isInstanceOf(JacksonException.class).hasMessageContaining("yesterday");
  }

  /** A record of this package only, as a test's or a command's own records are. */
  record Span(String name, Instant from, Instant to, List<Span> parts) {
    Span {
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("span " + name + " ends before it starts");
      }
    }
  }

  @Test
  void aRecordIsMadeThroughItsConstructorNestedRecordsToo() {
    String json = "{\"name\":\"run\",\"from\":\"2026-11-27T08:00:00Z\",\"to\":\"2026-11-27T09:00:00Z\","
        + "\"parts\":[{\"name\":\"a\",\"from\":\"2026-11-27T08:00:00Z\",\"to\":\"2026-11-27T08:30:00.500Z\","
        + "\"parts\":[]}]}";

    Span span = Json.mapper().readValue(json, Span.class);

    assertThat(span).isEqualTo(new Span("run", Instant.parse("2026-11-27T08:00:00Z"),
        Instant.parse("2026-11-27T09:00:00Z"), List.of(new Span("a", Instant.parse("2026-11-27T08:00:00Z"),
            Instant.parse("2026-11-27T08:30:00.500Z"), List.of()))));
    assertThat(Json.mapper().writeValueAsString(span)).isEqualTo(json);
  }

  @Test
  void aRecordOfAnotherPackageThatNoOtherCanSeeIsMadeToo() throws Exception {
    Class<?> hidden = Class.forName("dev.honest.common.json.elsewhere.Hidden");

    assertThat(Json.mapper().readValue("{\"name\":\"x\",\"count\":2}", hidden)).hasToString("Hidden[name=x, count=2]");
    assertThatThrownBy(() -> Json.mapper().readValue("{\"name\":\"x\",\"count\":-1}", hidden))
        .isInstanceOf(ValueInstantiationException.class).hasMessageContaining("count must not be negative");
  }

  @Test
  void whatARecordsConstructorRefusesIsReportedAsJacksonReportsIt() {
    String json = "{\"name\":\"backwards\",\"from\":\"2026-11-27T09:00:00Z\",\"to\":\"2026-11-27T08:00:00Z\","
        + "\"parts\":[]}";

    assertThatThrownBy(() -> Json.mapper().readValue(json, Span.class))
        .isInstanceOf(ValueInstantiationException.class)
        .hasMessageContaining("span backwards ends before it starts")
        .hasRootCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ofAMemberGivenTwiceTheLastCountsAsInJacksonsOwn() {
    String json = "{\"a\":1,\"b\":2,\"a\":{\"c\":3}}";

    assertThat(tree(json)).isEqualTo(Json.mapper().readTree(json));
    assertThat(tree(json).get("a").get("c").intValue()).isEqualTo(3);
  }

  @Test
  void aParserOnNoTokenOrOnTheEndOfAValueIsRefused() {
    try (JsonParser p = Json.mapper().createParser("{}")) {
      assertThatThrownBy(() -> Json.tree(p)).hasMessageContaining("not on a token");
      p.nextToken();
      p.nextToken();
      assertThat(p.currentToken()).isEqualTo(JsonToken.END_OBJECT);
      assertThatThrownBy(() -> Json.tree(p)).hasMessageContaining("not the start of a JSON value");
    }
  }
  /** An enum read by its own factory, as the project's are: any case, and a message naming the word refused. */
  enum Shade {
    LIGHT, DARK;

    /** Whether the last call came through a method handle's {@code invokeWithArguments}. */
    static volatile boolean byMethodHandle;

    @JsonCreator
    static Shade of(String text) {
      byMethodHandle = StackWalker.getInstance().walk(frames -> frames.anyMatch(
          f -> f.getClassName().equals("java.lang.invoke.MethodHandle") && f.getMethodName().equals("invokeWithArguments")));
      for (Shade shade : values()) {
        if (shade.name().equalsIgnoreCase(text.strip())) {
          return shade;
        }
      }
      throw new IllegalArgumentException("unknown shade '" + text + "'");
    }

    @JsonValue
    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  record Swatch(String name, Shade shade) {}

  @Test
  void anEnumIsReadByItsFactoryCalledThroughReflectionNotAMethodHandle() {
    JsonMapper jacksons = JsonMapper.builder().build();
    String json = "{\"name\":\"n\",\"shade\":\" Dark\"}";

    assertThat(jacksons.readValue(json, Swatch.class)).isEqualTo(new Swatch("n", Shade.DARK));
    assertThat(Shade.byMethodHandle).as("Jackson's own reader").isTrue();
    assertThat(Json.mapper().readValue(json, Swatch.class)).isEqualTo(new Swatch("n", Shade.DARK));
    assertThat(Shade.byMethodHandle).isFalse();
    assertThat(Json.mapper().readValue("{\"name\":\"n\",\"shade\":null}", Swatch.class))
        .isEqualTo(new Swatch("n", null));
    assertThat(Json.mapper().writeValueAsString(new Swatch("n", Shade.LIGHT)))
        .isEqualTo("{\"name\":\"n\",\"shade\":\"light\"}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"grey\"", "\"\"", "7", "[\"dark\"]", "{\"shade\":\"dark\"}", "true"})
  void whatAnEnumsFactoryRefusesOrIsNotGivenIsReportedAsJacksonReportsIt(String value) {
    JsonMapper jacksons = JsonMapper.builder().build();
    String json = "{\"name\":\"n\",\"shade\":" + value + "}";
    Throwable expected = catchThrowable(() -> jacksons.readValue(json, Swatch.class));

    Throwable thrown = catchThrowable(() -> Json.mapper().readValue(json, Swatch.class));

    assertThat(expected).as("Jackson's own reader refuses it").isNotNull();
    assertThat(thrown).isInstanceOf(expected.getClass()).hasMessage(expected.getMessage());
  }
}
