package dev.honest.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

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
}
