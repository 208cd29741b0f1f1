package io.weathertweets.ingress.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Serves the hand-written OpenAPI document (src/main/resources/openapi/ingress.yaml). Written by
 * hand because the endpoints read the raw body to report every bad field, which a generator could
 * not describe.
 */
@RestController
class OpenApiController {
  static final String RESOURCE = "openapi/ingress.yaml";

  private final String yaml;
  private final String json;

  OpenApiController(JsonMapper jsonMapper) {
    try (InputStream in = new ClassPathResource(RESOURCE).getInputStream()) {
      this.yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "The OpenAPI document " + RESOURCE + " is missing from the classpath", e);
    }
    JsonNode document = YAMLMapper.builder().build().readTree(yaml);
    this.json = jsonMapper.writeValueAsString(document);
  }

  @GetMapping(path = "/v3/api-docs", produces = MediaType.APPLICATION_JSON_VALUE)
  String json() {
    return json;
  }

  @GetMapping(path = "/v3/api-docs.yaml", produces = "application/yaml")
  String yaml() {
    return yaml;
  }
}
