package dev.honest.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EscapedTest {
  @Test
  void controlCharactersAndLineSeparatorsAreShownAsInJavaSourceAndTheRestIsKept() {
    assertThat(Escaped.oneLine("a\nb\r\tc\u001b[2Kd\u0085e\u2028f\u2029g é 😀"))
        .isEqualTo("a\\nb\\r\\tc\\u001b[2Kd\\u0085e\\u2028f\\u2029g é 😀");
    assertThat(Escaped.oneLine("plain")).isEqualTo("plain");
    assertThat(Escaped.oneLine(null)).isEqualTo("null");
  }

  @Test
  void aMarkIsBrokenWhereverItStandsAndOnlyThere() {
    assertThat(Escaped.oneLine("x HONEST-RESULT y; HONEST HONEST-\nHONEST-", "HONEST-"))
        .isEqualTo("x HONEST\\u002dRESULT y; HONEST HONEST\\u002d\\nHONEST\\u002d");
    assertThat(Escaped.oneLine("honest-worker -", "HONEST-")).isEqualTo("honest-worker -");
  }
}
