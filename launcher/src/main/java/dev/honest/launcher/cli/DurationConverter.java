package dev.honest.launcher.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code 90s}, {@code 45m}, {@code 2h}, {@code 1h30m} or ISO-8601 {@code PT2H}: longer than
 * zero and at most {@link #MAX} (a year), so that every deadline made of it can be counted.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PARTS = Pattern.compile("(\\d+)([hms])");
  static final Duration MAX = Duration.ofHours(8760);

  @Override
  public Duration convert(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (v.startsWith("pt")) {
      Duration d;
      try {
        d = Duration.parse(v.toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        if (e.getCause() instanceof ArithmeticException || e.getCause() instanceof NumberFormatException) {
          d = MAX.plusSeconds(1); // well formed, with more hours, minutes or seconds than can be counted
        } else {
          throw new TypeConversionException("'" + value + "' is not a duration (e.g. 90s, 45m, 2h, 1h30m)");
        }
      }
      return positive(d, value);
    }
    Matcher m = PARTS.matcher(v);
    Duration total = Duration.ZERO;
    int end = 0;
    boolean tooLong = false;
    while (m.find() && m.start() == end) {
      try {
        long n = Long.parseLong(m.group(1));
        total = total.plus(switch (m.group(2)) {
          case "h" -> Duration.ofHours(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofSeconds(n);
        });
      } catch (NumberFormatException | ArithmeticException e) {
        tooLong = true; // more digits than a long holds, or more seconds
      }
      end = m.end();
    }
    if (end == 0 || end != v.length()) {
      throw new TypeConversionException("'" + value + "' is not a duration (e.g. 90s, 45m, 2h, 1h30m)");
    }
    return positive(tooLong ? MAX.plusSeconds(1) : total, value);
  }

  private static Duration positive(Duration d, String value) {
    if (d.isZero() || d.isNegative()) {
      throw new TypeConversionException("'" + value + "' must be longer than zero");
    }
    if (d.compareTo(MAX) > 0) {
      throw new TypeConversionException("'" + value + "' is longer than " + MAX.toHours() + "h (a year)");
    }
    return d;
  }
}
