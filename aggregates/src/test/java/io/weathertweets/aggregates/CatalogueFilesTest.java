package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weathertweets.aggregates.CatalogueTest.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every file that spells out the catalogue is the one {@link CatalogueFiles} writes; {@code
 * -Dweather.regenerate=true} rewrites them first ({@link CatalogueFiles#REGENERATE}).
 */
class CatalogueFilesTest {

  @Test
  void shouldFindEveryFileAsTheCatalogueWritesIt() throws IOException {
    Path root = CatalogueTest.root();
    Map<Path, String> stale = CatalogueFiles.generate(root);
    if (Boolean.getBoolean("weather.regenerate")) {
      for (Map.Entry<Path, String> e : stale.entrySet()) {
        Files.writeString(e.getKey(), e.getValue());
      }
      stale = CatalogueFiles.generate(root);
    }
    assertThat(stale.keySet().stream().map(p -> root.relativize(p).toString()).toList())
        .as(
            "files that do not spell out the catalogue (Municipality, Condition) as it is now: run %s",
            CatalogueFiles.REGENERATE)
        .isEmpty();
  }

  @Test
  void shouldMakeEveryListWholeInItsOwnNotation() {
    String text =
        "local m = { \"mixco\", \"chinautla\" }\n"
            + "MUNICIPALITIES = ['MIXCO', 'GUATEMALA']\n"
            + "of Mixco, Amatitlan; weather sunny|rainy.\n"
            + "mixco alone is no list\n";

    List<String> ids = Kind.MUNICIPALITY.ids();
    assertThat(CatalogueFiles.lists(text))
        .isEqualTo(
            "local m = { \""
                + String.join("\", \"", ids)
                + "\" }\n"
                + "MUNICIPALITIES = ['"
                + String.join("', '", ids.stream().map(id -> id.toUpperCase(Locale.ROOT)).toList())
                + "']\n"
                + "of "
                + String.join(
                    ", ",
                    ids.stream()
                        .map(id -> Character.toUpperCase(id.charAt(0)) + id.substring(1))
                        .toList())
                + "; weather "
                + String.join("|", Condition.ids())
                + ".\n"
                + "mixco alone is no list\n");
  }

  @Test
  void shouldNumberTheProtoEnumFromTheCatalogue() {
    String proto =
        "// header\nenum Municipality {\n  // never valid\n  MUNICIPALITY_UNSPECIFIED = 0;\n"
            + "  MIXCO = 1;\n}\n\nmessage Tweet {\n  string id = 1;\n}\n";

    String written = CatalogueFiles.protoEnum(proto, CatalogueFiles.PROTO_ENUMS.getFirst());

    StringBuilder values = new StringBuilder();
    for (int i = 0; i < Municipality.values().length; i++) {
      values.append("  ").append(Municipality.values()[i].name()).append(" = ").append(i + 1);
      values.append(";\n");
    }
    assertThat(written)
        .isEqualTo(
            "// header\nenum Municipality {\n  // never valid\n  MUNICIPALITY_UNSPECIFIED = 0;\n"
                + values
                + "}\n\nmessage Tweet {\n  string id = 1;\n}\n");
  }

  @Test
  void shouldRefuseToRenumberOrDropAProtoValue() {
    CatalogueFiles.ProtoEnum municipalities = CatalogueFiles.PROTO_ENUMS.getFirst();
    String head = "enum Municipality {\n  MUNICIPALITY_UNSPECIFIED = 0;\n";

    assertThatThrownBy(
            () -> CatalogueFiles.protoEnum(head + "  GUATEMALA = 1;\n}\n", municipalities))
        .hasMessageContaining("GUATEMALA = 1 would become MIXCO = 1")
        .hasMessageContaining("append new constants");
    StringBuilder all = new StringBuilder(head);
    for (Municipality m : Municipality.values()) {
      all.append("  ").append(m.name()).append(" = ").append(m.ordinal() + 1).append(";\n");
    }
    int retired = Municipality.values().length + 1;
    assertThatThrownBy(
            () ->
                CatalogueFiles.protoEnum(all + "  RETIRED = " + retired + ";\n}\n", municipalities))
        .hasMessageContaining("RETIRED = " + retired + " would become nothing");
    assertThatThrownBy(
            () ->
                CatalogueFiles.protoEnum(head + "  reserved 9;\n  MIXCO = 1;\n}\n", municipalities))
        .hasMessageContaining("\"reserved 9;\" is not a NAME = n; line");
  }

  @Test
  void shouldGiveEveryNameItsElementInADashboardArray() {
    String dashboard =
        """
        {
          "conversions": [
            {
              "targetField": "time",
              "destinationType": "time"
            },
            {
              "targetField": "mixco",
              "destinationType": "number"
            },
            {
              "targetField": "guatemala",
              "destinationType": "number"
            }
          ],
          "query": "sunny,cloudy"
        }
        """;

    String written = CatalogueFiles.dashboard(dashboard);

    StringBuilder conversions = new StringBuilder();
    for (String id : Kind.MUNICIPALITY.ids()) {
      conversions.append(
          ",\n    {\n      \"targetField\": \"%s\",\n      \"destinationType\": \"number\"\n    }"
              .formatted(id));
    }
    assertThat(written)
        .isEqualTo(
            "{\n  \"conversions\": [\n    {\n      \"targetField\": \"time\",\n"
                + "      \"destinationType\": \"time\"\n    }"
                + conversions
                + "\n  ],\n  \"query\": \""
                + String.join(",", Condition.ids())
                + "\"\n}\n");
  }
}
