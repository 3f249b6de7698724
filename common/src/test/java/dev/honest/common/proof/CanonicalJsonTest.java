package dev.honest.common.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.hash.Hashes;
import dev.honest.common.json.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class CanonicalJsonTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void theRfc8785SampleCanonicalizesToThePublishedOutput() {
    // RFC 8785 §3.2.4: the input of §3.2.1 and its canonical form.
    String input = """
        {
          "numbers": [333333333.33333329, 1E30, 4.50,
                      2e-3, 0.000000000000000000000000001],
          "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
          "literals": [null, true, false]
        }
        """;

    assertThat(canonical(Json.mapper().readTree(input))).isEqualTo(
        "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
  }

  @Test
  void membersAreSortedByUtf16CodeUnitsAsInTheRfcExample() {
    // RFC 8785 §3.2.3: U+1F600 is the surrogate pair D83D DE00, so it sorts before U+FB33
    // although its code point is larger.
    String input = """
        {
          "\\u20ac": "Euro Sign",
          "\\r": "Carriage Return",
          "\\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\\ud83d\\ude00": "Emoji: Grinning Face",
          "\\u0080": "Control",
          "\\u00f6": "Latin Small Letter O With Diaeresis"
        }
        """;

    assertThat(canonical(Json.mapper().readTree(input))).isEqualTo("{"
        + "\"\\r\":\"Carriage Return\","
        + "\"1\":\"One\","
        + "\"\u0080\":\"Control\","
        + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\","
        + "\"\u20ac\":\"Euro Sign\","
        + "\"\ud83d\ude00\":\"Emoji: Grinning Face\","
        + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
  }

  @Test
  void nestedObjectsAreSortedAndArraysKeepTheirOrder() {
    JsonNode node = Json.mapper().readTree("{ \"b\": [3, {\"z\": 1, \"a\": [] }, 1], \"a\": {} }");

    assertThat(canonical(node)).isEqualTo("{\"a\":{},\"b\":[3,{\"a\":[],\"z\":1},1]}");
  }

  @Test
  void onlyQuoteBackslashAndControlCharactersAreEscaped() {
    StringBuilder controls = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      controls.append(c);
    }
    String value = controls + "\"\\/\u007f\u00e9\u2028\ud83d\ude00";

    assertThat(canonical(NODES.stringNode(value))).isEqualTo("\""
        + "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
        + "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d"
        + "\\u001e\\u001f"
        + "\\\"\\\\/\u007f\u00e9\u2028\ud83d\ude00\"");
  }

  @Test
  void theOutputIsUtf8() {
    byte[] bytes = CanonicalJson.canonicalize(NODES.stringNode("\u00e9\ud83d\ude00"));

    assertThat(bytes).containsExactly(
        '"', 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, '"');
  }

  @Test
  void aSpaceAfterAnEscapedCharacterIsWrittenAsItself() {
    assertThat(canonical(NODES.stringNode("a\tb c!"))).isEqualTo("\"a\\tb c!\"");
  }

  @Test
  void aLoneHighSurrogateAtTheEndOfAStringIsRejectedWithItsPath() {
    ObjectNode node = NODES.objectNode();
    node.put("name", "\"bad\ud83d");

    assertThatThrownBy(() -> CanonicalJson.canonicalize(node))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/name")
        .hasMessageContaining("lone surrogate U+D83D");
  }

  @Test
  void aLoneSurrogateIsRejectedWithItsPath() {
    ObjectNode node = NODES.objectNode();
    node.putArray("names").add("ok").add("bad\ud800x");

    assertThatThrownBy(() -> CanonicalJson.canonicalize(node))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/names/1")
        .hasMessageContaining("lone surrogate U+D800");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      // RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text.
      "0000000000000000, 0",
      "8000000000000000, 0",
      "0000000000000001, 5e-324",
      "8000000000000001, -5e-324",
      "7fefffffffffffff, 1.7976931348623157e+308",
      "ffefffffffffffff, -1.7976931348623157e+308",
      "4340000000000000, 9007199254740992",
      "c340000000000000, -9007199254740992",
      "4430000000000000, 295147905179352830000",
      "44b52d02c7e14af5, 9.999999999999997e+22",
      "44b52d02c7e14af6, 1e+23",
      "44b52d02c7e14af7, 1.0000000000000001e+23",
      "444b1ae4d6e2ef4e, 999999999999999700000",
      "444b1ae4d6e2ef4f, 999999999999999900000",
      "444b1ae4d6e2ef50, 1e+21",
      "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
      "3eb0c6f7a0b5ed8d, 0.000001",
      "41b3de4355555553, 333333333.3333332",
      "41b3de4355555554, 333333333.33333325",
      "41b3de4355555555, 333333333.3333333",
      "41b3de4355555556, 333333333.3333334",
      "41b3de4355555557, 333333333.33333343",
      "becbf647612f3696, -0.0000033333333333333333",
      "43143ff3c1cb0959, 1424953923781206.2",
  })
  void doublesAreWrittenAsTheRfcAppendixBSays(String bits, String expected) {
    double value = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));

    assertThat(canonical(NODES.numberNode(value))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "1e21, 1e+21",
      "1e20, 100000000000000000000",
      "1e-7, 1e-7",
      "0.000001, 0.000001",
      "-0.0, 0",
      "0.1, 0.1",
      "100, 100",
      "-1.5, -1.5",
      "123e-20, 1.23e-18",
      "5e-7, 5e-7",
      "1.5e300, 1.5e+300",
      // Java 17's Double.toString writes 2.82879384806159008E17 here: not the shortest form.
      "2.82879384806159E17, 282879384806159000",
      // 2^-1074 .. a power of two, whose lower neighbour is nearer than the upper one.
      "4.9e-324, 5e-324",
      "9007199254740994, 9007199254740994",
  })
  void doublesTakeTheShortestEcmascriptForm(String javaLiteral, String expected) {
    assertThat(canonical(NODES.numberNode(Double.parseDouble(javaLiteral)))).isEqualTo(expected);
  }

  @Test
  void parsedNumbersCanonicalizeLikeTheirDoubles() {
    JsonNode node = Json.mapper().readTree("[1E21, 1e-7, 0.0000010, -0, -0.0, 4.50, 10, 2e0]");

    assertThat(canonical(node)).isEqualTo("[1e+21,1e-7,0.000001,0,0,4.5,10,2]");
  }

  @Test
  void floatsAreWrittenAsTheDoublesTheyAre() {
    assertThat(canonical(NODES.numberNode(0.1f))).isEqualTo("0.10000000149011612");
  }

  @Test
  void nanAndInfinitiesAreRejected() {
    for (double value : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      ObjectNode node = NODES.objectNode();
      node.putObject("predicate").put("score", value);

      assertThatThrownBy(() -> CanonicalJson.canonicalize(node))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("/predicate/score")
          .hasMessageContaining("NaN or Infinity");
    }
  }

  @Test
  void integersUpToTwoToTheFiftyThreeAreWrittenPlainly() {
    long max = 1L << 53;
    JsonNode node = NODES.arrayNode().add(max).add(-max).add(Long.valueOf(42)).add(BigInteger.valueOf(max - 1))
        .add(Integer.MIN_VALUE).add((short) -7);

    assertThat(canonical(node)).isEqualTo("[9007199254740992,-9007199254740992,42,9007199254740991,-2147483648,-7]");
  }

  @Test
  void anIntegerThatADoubleCannotHoldExactlyIsRejectedNotRounded() {
    long tooBig = (1L << 53) + 1;

    assertThatThrownBy(() -> CanonicalJson.canonicalize(NODES.arrayNode().add(tooBig)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/0")
        .hasMessageContaining("9007199254740993")
        .hasMessageContaining("would be written as 9007199254740992")
        .hasMessageContaining("2^53");
    assertThatThrownBy(() -> CanonicalJson.canonicalize(NODES.numberNode(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CanonicalJson.canonicalize(NODES.numberNode(Long.MIN_VALUE)))
        .hasMessageContaining("would be written as -9223372036854776000");
    assertThatThrownBy(() -> CanonicalJson.canonicalize(NODES.numberNode(BigInteger.TWO.pow(68))))
        .hasMessageContaining("295147905179352825856");
  }

  @Test
  void anIntegerBeyondTwoToTheFiftyThreeIsAcceptedWhenItIsTheCanonicalFormOfADouble() {
    // Canonical output re-read by Jackson comes back as integers; canonicalizing it again must not fail.
    JsonNode node = Json.mapper().readTree("[295147905179352830000, 999999999999999700000]");

    assertThat(canonical(node)).isEqualTo("[295147905179352830000,999999999999999700000]");
  }

  @Test
  void decimalsAreAcceptedOnlyWhenTheirDoubleKeepsTheirValue() {
    assertThat(canonical(NODES.numberNode(new BigDecimal("4.50")))).isEqualTo("4.5");
    assertThat(canonical(NODES.numberNode(new BigDecimal("0.1")))).isEqualTo("0.1");
    assertThat(canonical(NODES.numberNode(new BigDecimal("1E+2")))).isEqualTo("100");

    assertThatThrownBy(() -> CanonicalJson.canonicalize(NODES.numberNode(new BigDecimal("0.10000000000000000001"))))
        .hasMessageContaining("would be written as 0.1");
    assertThatThrownBy(() -> CanonicalJson.canonicalize(NODES.numberNode(new BigDecimal("1E+400"))))
        .hasMessageContaining("outside the range");
  }

  @Test
  void nodesWithoutAJsonFormAreRejected() {
    assertThatThrownBy(() -> CanonicalJson.canonicalize(NODES.binaryNode(new byte[] {1, 2})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the root")
        .hasMessageContaining("BINARY");
  }

  @Test
  void pointerTokensEscapeTildeAndSlash() {
    ObjectNode node = NODES.objectNode();
    node.put("a/b~c", Double.NaN);

    assertThatThrownBy(() -> CanonicalJson.canonicalize(node)).hasMessageContaining("/a~1b~0c");
  }

  @Test
  void randomDoublesReadBackExactlyAndAreNeverLongerThanJavasOwnForm() {
    Random random = new Random(8785);
    for (int i = 0; i < 10_000; i++) {
      // Half any bit pattern (all magnitudes), half everyday magnitudes such as durations and rates.
      double value = i % 2 == 0
          ? Double.longBitsToDouble(random.nextLong())
          : (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(25) - 12);
      if (!Double.isFinite(value)) {
        continue;
      }
      String text = canonical(NODES.numberNode(value));

      assertThat(Double.parseDouble(text)).as(text).isEqualTo(value == 0 ? 0.0 : value);
      assertThat(significantDigits(text)).as(text).isLessThanOrEqualTo(significantDigits(Double.toString(value)));
    }
  }

  @Test
  void canonicalizingTheCanonicalFormAgainChangesNothing() {
    String once = canonical(Json.mapper().readTree(
        "{\"z\": [1.5e300, -0.0000033333333333333327, 1e21, 123456789012, \"\\u001f\"], \"y\": {\"b\": null, \"a\": true}}"));

    assertThat(canonical(Json.mapper().readTree(once))).isEqualTo(once);
  }

  @Test
  void valuesAreConvertedWithTheProjectMapper() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("zeta", List.of(3, 2, 1));
    value.put("alpha", "x");

    assertThat(new String(CanonicalJson.canonicalizeValue(value), StandardCharsets.UTF_8))
        .isEqualTo("{\"alpha\":\"x\",\"zeta\":[3,2,1]}");
  }

  @Test
  void sha256HexIsTheDigestOfTheCanonicalBytes() {
    JsonNode node = Json.mapper().readTree("{ \"b\" : 1, \"a\" : 2 }");

    assertThat(CanonicalJson.sha256Hex(node))
        .isEqualTo(Hashes.sha256Hex("{\"a\":2,\"b\":1}".getBytes(StandardCharsets.UTF_8)));
  }

  private static String canonical(JsonNode node) {
    return new String(CanonicalJson.canonicalize(node), StandardCharsets.UTF_8);
  }

  /** Digits of a decimal or E notation number, leading and trailing zeros of the significand left out. */
  private static int significantDigits(String number) {
    String significand = number.split("[eE]")[0].replace("-", "").replace(".", "");
    return significand.replaceAll("^0+", "").replaceAll("0+$", "").length();
  }
}
