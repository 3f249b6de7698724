package dev.honest.launcher.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code 90s}, {@code 45m}, {@code 2h}, {@code 1h30m} or ISO-8601 {@code PT2H}. */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PARTS = Pattern.compile("(\\d+)([hms])");

  @Override
  public Duration convert(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (v.startsWith("pt")) {
      try {
        return positive(Duration.parse(v.toUpperCase(Locale.ROOT)), value);
      } catch (RuntimeException e) {
        throw new TypeConversionException("'" + value + "' is not a duration (e.g. 90s, 45m, 2h, 1h30m)");
      }
    }
    Matcher m = PARTS.matcher(v);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      });
      end = m.end();
    }
    if (end == 0 || end != v.length()) {
      throw new TypeConversionException("'" + value + "' is not a duration (e.g. 90s, 45m, 2h, 1h30m)");
    }
    return positive(total, value);
  }

  private static Duration positive(Duration d, String value) {
    if (d.isZero() || d.isNegative()) {
      throw new TypeConversionException("'" + value + "' must be longer than zero");
    }
    return d;
  }
}
