package io.weathertweets.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates a value against a CRD's structural OpenAPI v3 schema the way the API server prunes and
 * validates it, except that an unknown field is an error here (the API server would drop it
 * silently, which is how a misspelt Strimzi field goes unnoticed). A schema keyword this class does
 * not know fails loudly instead of being skipped. CEL rules ({@code x-kubernetes-validations}) are
 * not evaluated.
 */
final class OpenApiValidator {
  private static final Set<String> KEYWORDS =
      Set.of(
          "type",
          "description",
          "properties",
          "required",
          "items",
          "enum",
          "minimum",
          "maximum",
          "pattern",
          "oneOf",
          "anyOf",
          "additionalProperties",
          "minItems",
          "maxItems",
          "minLength",
          "maxLength",
          "example",
          "format",
          "default",
          "nullable",
          "x-kubernetes-int-or-string",
          "x-kubernetes-preserve-unknown-fields",
          "x-kubernetes-validations",
          "x-kubernetes-list-type",
          "x-kubernetes-list-map-keys",
          "x-kubernetes-map-type");

  private OpenApiValidator() {}

  static List<String> validate(JsonNode schema, JsonNode value) {
    List<String> errors = new ArrayList<>();
    check(schema, value, "", errors, false);
    return errors;
  }

  private static void check(
      JsonNode schema, JsonNode value, String path, List<String> errors, boolean branch) {
    for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
      String keyword = it.next();
      if (!KEYWORDS.contains(keyword)) {
        throw new IllegalStateException(
            "schema keyword '" + keyword + "' at " + path + " is not implemented");
      }
    }
    if (value.isNull() && schema.path("nullable").asBoolean(false)) {
      return;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        errors.add(path + ": must be an integer or a string, was " + value.getNodeType());
      }
      return;
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> {
        if (!value.isObject()) {
          errors.add(path + ": must be an object, was " + value.getNodeType());
          return;
        }
        checkObject(schema, value, path, errors, branch);
      }
      case "array" -> {
        if (!value.isArray()) {
          errors.add(path + ": must be an array, was " + value.getNodeType());
          return;
        }
        if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
          errors.add(path + ": needs at least " + schema.get("minItems").asInt() + " items");
        }
        if (schema.has("items")) {
          for (int i = 0; i < value.size(); i++) {
            check(schema.get("items"), value.get(i), path + "[" + i + "]", errors, branch);
          }
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          errors.add(path + ": must be a string, was " + value.getNodeType() + " (quote it)");
          return;
        }
        if (schema.has("pattern")
            && !Pattern.compile(schema.get("pattern").asText()).matcher(value.asText()).find()) {
          errors.add(
              path + ": '" + value.asText() + "' does not match " + schema.get("pattern").asText());
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          errors.add(path + ": must be an integer, was " + value.getNodeType());
          return;
        }
        range(schema, value, path, errors);
      }
      case "number" -> {
        if (!value.isNumber()) {
          errors.add(path + ": must be a number, was " + value.getNodeType());
          return;
        }
        range(schema, value, path, errors);
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          errors.add(path + ": must be a boolean, was " + value.getNodeType());
        }
      }
      case "" -> {
        if (schema.has("properties")) {
          checkObject(schema, value, path, errors, branch);
        }
      }
      default ->
          throw new IllegalStateException(
              "schema type '" + type + "' at " + path + " is not implemented");
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode e : schema.get("enum")) {
        found |= e.asText().equals(value.asText());
      }
      if (!found) {
        errors.add(path + ": '" + value.asText() + "' is not one of " + schema.get("enum"));
      }
    }
    if (schema.has("oneOf")) {
      int matching = 0;
      for (JsonNode alternative : schema.get("oneOf")) {
        List<String> e = new ArrayList<>();
        check(alternative, value, path, e, true);
        matching += e.isEmpty() ? 1 : 0;
      }
      if (matching != 1) {
        errors.add(
            path + ": must match exactly one of " + schema.get("oneOf") + ", matches " + matching);
      }
    }
    if (schema.has("anyOf")) {
      boolean any = false;
      for (JsonNode alternative : schema.get("anyOf")) {
        List<String> e = new ArrayList<>();
        check(alternative, value, path, e, true);
        any |= e.isEmpty();
      }
      if (!any) {
        errors.add(path + ": must match one of " + schema.get("anyOf"));
      }
    }
  }

  private static void checkObject(
      JsonNode schema, JsonNode value, String path, List<String> errors, boolean branch) {
    if (!value.isObject()) {
      errors.add(path + ": must be an object");
      return;
    }
    for (JsonNode r : schema.path("required")) {
      if (!value.has(r.asText())) {
        errors.add(path + ": missing required field '" + r.asText() + "'");
      }
    }
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.get("additionalProperties");
    boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      var field = it.next();
      String p = path + "." + field.getKey();
      if (properties.has(field.getKey())) {
        check(properties.get(field.getKey()), field.getValue(), p, errors, branch);
      } else if (additional != null && additional.isObject()) {
        check(additional, field.getValue(), p, errors, branch);
      } else if (!branch && !preserve && !(additional != null && additional.asBoolean(false))) {
        // Alternatives of oneOf/anyOf only constrain; unknown fields are judged by the main schema.
        errors.add(p + ": unknown field");
      }
    }
  }

  private static void range(JsonNode schema, JsonNode value, String path, List<String> errors) {
    if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
      errors.add(path + ": " + value + " is below the minimum " + schema.get("minimum"));
    }
    if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
      errors.add(path + ": " + value + " is above the maximum " + schema.get("maximum"));
    }
  }
}
