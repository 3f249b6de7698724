package dev.honest.common.json.elsewhere;

/** A record no other package can see, for JsonTest: Jackson may still make it. */
record Hidden(String name, int count) {
  Hidden {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative");
    }
  }
}
