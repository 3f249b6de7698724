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
  void invisibleCharactersAndSpacesOtherThanTheSpaceAreShownSoLookAlikesReadApart() {
    assertThat(Escaped.oneLine("File Path")).isEqualTo("File Path");
    assertThat(Escaped.oneLine("File\u00a0Path")).isEqualTo("File\\u00a0Path");
    assertThat(Escaped.oneLine("File\u200bPath")).isEqualTo("File\\u200bPath");
    assertThat(Escaped.oneLine("\ufeffid")).isEqualTo("\\ufeffid");
    assertThat(Escaped.oneLine("ok.js\u202ecod.exe")).isEqualTo("ok.js\\u202ecod.exe");
    assertThat(Escaped.oneLine("全角\u3000空白 ü")).isEqualTo("全角\\u3000空白 ü");
  }

  @Test
  void invisibleFormatCharactersBeyondTheBasicPlaneAreShownToo() {
    // Tag characters (U+E0000 block): invisible, and two keys that differ in them alone read the same.
    assertThat(Escaped.oneLine("File\udb40\udc20Path")).isEqualTo("File\\udb40\\udc20Path");
    assertThat(Escaped.oneLine("id\udb40\udc01")).isEqualTo("id\\udb40\\udc01");
    // Visible characters beyond it are kept.
    assertThat(Escaped.oneLine("ok 😀 𝔘")).isEqualTo("ok 😀 𝔘");
  }

  @Test
  void aMarkIsBrokenWhereverItStandsAndOnlyThere() {
    assertThat(Escaped.oneLine("x HONEST-RESULT y; HONEST HONEST-\nHONEST-", "HONEST-"))
        .isEqualTo("x HONEST\\u002dRESULT y; HONEST HONEST\\u002d\\nHONEST\\u002d");
    assertThat(Escaped.oneLine("honest-worker -", "HONEST-")).isEqualTo("honest-worker -");
  }
}
