package dev.honest.launcher.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads an amount of USD: a number of 0 or more. A refused value is a usage error naming the option
 * and the value as typed, as picocli reports every value it cannot convert.
 */
public final class UsdConverter implements ITypeConverter<Double> {
  @Override
  public Double convert(String value) {
    double usd;
    try {
      usd = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      usd = Double.NaN;
    }
    if (!(usd >= 0) || Double.isInfinite(usd)) {
      throw new TypeConversionException("'" + value + "' is not an amount of USD (a number, 0 or more)");
    }
    return usd;
  }
}
