package dev.honest.common.proof;

import dev.honest.common.hash.Hashes;
import dev.honest.common.json.Json;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte sequence a JSON value signs and hashes
 * as, whoever produced it.
 *
 * <ul>
 *   <li>No whitespace; UTF-8 output.
 *   <li>Object members sorted by their names compared as sequences of UTF-16 code units (which is
 *       what {@link String#compareTo} does); array order kept.
 *   <li>Strings: only {@code "}, {@code \} and the control characters below U+0020 are escaped,
 *       as {@code \b \t \n \f \r} or {@code \}{@code u00xx} with lowercase hex; everything else,
 *       U+007F and non-ASCII included, is written as is. A lone surrogate is rejected.
 *   <li>Numbers are IEEE 754 doubles written as ECMAScript's {@code Number.prototype.toString}
 *       does: the shortest digits that read back as the same double (the closest of them when
 *       several), plain notation from 1e-6 up to below 1e21, otherwise {@code d.ddde+x} /
 *       {@code d.ddde-x}; {@code -0} is {@code 0}. NaN and the infinities are rejected.
 * </ul>
 *
 * <p>Integer and {@code BigDecimal} nodes are accepted only when their canonical form reads back as
 * exactly the same number, i.e. when turning them into a double loses nothing that would show:
 * every integer within ±2<sup>53</sup> qualifies, {@code 2^53 + 1} does not. Rejecting (rather than
 * rounding) keeps a signature from covering a number other than the one the producer held; carry
 * such values as strings. Doubles are taken as they are. Binary and POJO nodes are rejected.
 *
 * <p>Errors are {@link IllegalArgumentException}s naming the JSON Pointer of the offending value.
 */
public final class CanonicalJson {
  private static final long MAX_SAFE_INTEGER = 1L << 53;
  private static final BigDecimal HALF = new BigDecimal("0.5");
  /** Significant digits that always identify a double. */
  private static final int MAX_DIGITS = 17;

  private CanonicalJson() {}

  /** The canonical UTF-8 bytes of {@code node}. */
  public static byte[] canonicalize(JsonNode node) {
    return canonicalText(node).getBytes(StandardCharsets.UTF_8);
  }

  /** The canonical form of {@code node} as text: one line, as its UTF-8 bytes are {@link #canonicalize}'s. */
  public static String canonicalText(JsonNode node) {
    StringBuilder out = new StringBuilder();
    write(node, null, out);
    return out.toString();
  }

  /** The canonical bytes of any value, after converting it with the project's {@link Json#mapper()}. */
  public static byte[] canonicalizeValue(Object value) {
    return canonicalize(Json.mapper().valueToTree(value));
  }

  /** Lowercase hex SHA-256 of the canonical bytes of {@code node}. */
  public static String sha256Hex(JsonNode node) {
    return Hashes.sha256Hex(canonicalize(node));
  }

  private static void write(JsonNode node, Pointer at, StringBuilder out) {
    switch (node.getNodeType()) {
      case OBJECT -> writeObject(node, at, out);
      case ARRAY -> {
        out.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(node.get(i), new Pointer(at, Integer.toString(i)), out);
        }
        out.append(']');
      }
      case STRING -> writeString(node.stringValue(), at, out);
      case NUMBER -> out.append(number(node, at));
      case BOOLEAN -> out.append(node.booleanValue());
      case NULL -> out.append("null");
      default -> throw error(at, node.getNodeType() + " node has no JSON form; convert it to a string or object first");
    }
  }

  private static void writeObject(JsonNode node, Pointer at, StringBuilder out) {
    List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
    // RFC 8785 §3.2.3: compare names as UTF-16 code unit sequences, which String.compareTo does.
    members.sort(Map.Entry.comparingByKey());
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, JsonNode> member : members) {
      if (!first) {
        out.append(',');
      }
      first = false;
      Pointer child = new Pointer(at, member.getKey());
      writeString(member.getKey(), child, out);
      out.append(':');
      write(member.getValue(), child, out);
    }
    out.append('}');
  }

  private static void writeString(String value, Pointer at, StringBuilder out) {
    out.append('"');
    int plain = 0;
    while (plain < value.length() && value.charAt(plain) >= 0x20 && value.charAt(plain) != '"'
        && value.charAt(plain) != '\\' && !Character.isSurrogate(value.charAt(plain))) {
      plain++;
    }
    // Most strings (names, hashes, base64) need no escape: copied at once, the rest char by char.
    if (plain == value.length()) {
      out.append(value).append('"');
      return;
    }
    out.append(value, 0, plain);
    for (int i = plain; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\f' -> out.append("\\f");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
              && Character.isLowSurrogate(value.charAt(i + 1))) {
            out.append(c).append(value.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            throw error(at, String.format("string has a lone surrogate U+%04X at index %d; JSON text must be valid Unicode", (int) c, i));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static String number(JsonNode node, Pointer at) {
    if (node.isDouble() || node.isFloat()) {
      return number(node.doubleValue(), at);
    }
    if (node.isInt() || node.isShort()) {
      return Integer.toString(node.intValue());
    }
    // A long within ±2^53 is its own shortest double form (durations, sizes): skip the exact check below.
    if (node.isLong() && node.longValue() >= -MAX_SAFE_INTEGER && node.longValue() <= MAX_SAFE_INTEGER) {
      return Long.toString(node.longValue());
    }
    // Long, BigInteger and BigDecimal: written as the double they denote, so only when that is exact.
    BigDecimal value = node.decimalValue();
    double asDouble = value.doubleValue();
    if (Double.isInfinite(asDouble)) {
      throw error(at, "number " + value + " is outside the range of IEEE 754 doubles (RFC 8785 §3.2.2.3)");
    }
    String canonical = number(asDouble, at);
    if (new BigDecimal(canonical).compareTo(value) != 0) {
      throw error(at, "number " + value + " cannot be canonicalized without changing it: RFC 8785 numbers are"
          + " IEEE 754 doubles and this one would be written as " + canonical
          + " (integers are exact only within ±2^53); carry it as a string");
    }
    return canonical;
  }

  /** ECMAScript {@code Number.prototype.toString} of a finite double (ECMA-262 Number::toString). */
  private static String number(double value, Pointer at) {
    if (!Double.isFinite(value)) {
      throw error(at, value + " is not allowed: RFC 8785 §3.2.2.3 has no form for NaN or Infinity");
    }
    if (value == 0) {
      return "0"; // -0 included
    }
    double magnitude = Math.abs(value);
    if (magnitude <= MAX_SAFE_INTEGER && magnitude == Math.rint(magnitude)) {
      return Long.toString((long) value);
    }
    BigDecimal digits = shortestDigits(magnitude).stripTrailingZeros();
    // value = s × 10^(n−k), s having k digits, as ECMA-262 names them.
    String s = digits.unscaledValue().toString();
    int k = s.length();
    int n = k - digits.scale();
    StringBuilder out = new StringBuilder(value < 0 ? "-" : "");
    if (k <= n && n <= 21) {
      out.append(s).append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      out.append(s, 0, n).append('.').append(s, n, k);
    } else if (-6 < n && n <= 0) {
      out.append("0.").append("0".repeat(-n)).append(s);
    } else {
      out.append(s.charAt(0));
      if (k > 1) {
        out.append('.').append(s, 1, k);
      }
      int exponent = n - 1;
      out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
    }
    return out.toString();
  }

  /**
   * The decimal with the fewest significant digits that rounds to {@code magnitude} (positive,
   * finite), the closest to it when there are two; decided exactly, without trusting any
   * double-to-string or string-to-double conversion.
   */
  private static BigDecimal shortestDigits(double magnitude) {
    BigDecimal exact = new BigDecimal(magnitude);
    // The decimals that read back as this double lie between the midpoints to its neighbours.
    BigDecimal low = exact.add(new BigDecimal(Math.nextDown(magnitude))).multiply(HALF);
    double next = Math.nextUp(magnitude);
    BigDecimal high = Double.isInfinite(next)
        ? exact.add(new BigDecimal(Math.ulp(magnitude)).multiply(HALF))
        : exact.add(new BigDecimal(next)).multiply(HALF);
    // Round-half-even reading: a midpoint reads back as this double only when its significand is even.
    boolean midpointsIncluded = (Double.doubleToRawLongBits(magnitude) & 1) == 0;
    Interval interval = new Interval(exact, low, high, midpointsIncluded);
    // The (p+1)-digit neighbours lie between the double and its p-digit ones, so once some precision
    // fits every higher one does: binary search for the least.
    BigDecimal best = interval.closestFitting(MAX_DIGITS);
    int fewest = 1;
    int most = MAX_DIGITS;
    while (fewest < most) {
      int precision = (fewest + most) >>> 1;
      BigDecimal candidate = interval.closestFitting(precision);
      if (candidate == null) {
        fewest = precision + 1;
      } else {
        best = candidate;
        most = precision;
      }
    }
    return best;
  }

  /** The decimals that read back as the double {@code exact}. */
  private record Interval(BigDecimal exact, BigDecimal low, BigDecimal high, boolean inclusive) {
    /**
     * Of the two decimals with {@code precision} significant digits around {@code exact}, the
     * one that fits, the closer (the even one on a tie) when both do; null when neither does.
     * With 17 digits one always fits.
     */
    BigDecimal closestFitting(int precision) {
      BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
      BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
      boolean downFits = fits(down);
      boolean upFits = fits(up);
      if (downFits && upFits) {
        int closer = exact.subtract(down).compareTo(up.subtract(exact));
        return closer == 0 ? exact.round(new MathContext(precision, RoundingMode.HALF_EVEN)) : closer < 0 ? down : up;
      }
      return downFits ? down : upFits ? up : null;
    }

    private boolean fits(BigDecimal candidate) {
      int fromLow = candidate.compareTo(low);
      int toHigh = candidate.compareTo(high);
      return inclusive ? fromLow >= 0 && toHigh <= 0 : fromLow > 0 && toHigh < 0;
    }
  }

  private static IllegalArgumentException error(Pointer at, String problem) {
    return new IllegalArgumentException("cannot canonicalize JSON at " + Pointer.render(at) + ": " + problem);
  }

  /** Where a value sits, built cheaply while walking and rendered as a JSON Pointer only on error. */
  private record Pointer(Pointer parent, String token) {
    static String render(Pointer at) {
      if (at == null) {
        return "the root";
      }
      StringBuilder out = new StringBuilder();
      for (Pointer p = at; p != null; p = p.parent) {
        out.insert(0, "/" + p.token.replace("~", "~0").replace("/", "~1"));
      }
      return out.toString();
    }
  }
}
