package dev.honest.launcher.export;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The official SARIF 2.1.0 schema (test resource {@code sarif/sarif-schema-2.1.0.json}, see SOURCE.md there). */
public final class SarifSchema {
  private static final Schema SCHEMA = load();

  private SarifSchema() {}

  /** Every way the log breaks the schema, one line each; empty when it is valid SARIF 2.1.0. */
  public static List<String> problems(JsonNode log) {
    return SCHEMA.validate(log).stream().map(Error::toString).toList();
  }

  private static Schema load() {
    try (InputStream in = SarifSchema.class.getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
