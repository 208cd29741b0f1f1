package io.weathertweets.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.ingress.IngressClient;
import io.weathertweets.ingress.IngressProperties;
import io.weathertweets.ingress.WithFakeGateways;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The served OpenAPI document describes both tweet endpoints with every answer they give, and the
 * read endpoints.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=ingress", "weather.ingress.routing=kafka"})
class OpenApiDocumentTest extends WithFakeGateways {

  @LocalServerPort int port;
  @Autowired IngressProperties properties;

  @Test
  void shouldDescribeBothEndpointsWithEveryStatusTheyAnswer() {
    IngressClient client = new IngressClient(port);
    IngressClient.Response response = client.get("/v3/api-docs");

    assertThat(response.status()).isEqualTo(200);
    JsonNode paths = response.json().get("paths");
    for (String path : List.of("/api/tweet", "/api/tweets")) {
      JsonNode post = paths.get(path).get("post");
      assertThat(post.get("responses").propertyNames())
          .as(path)
          .containsExactlyInAnyOrder("202", "400", "405", "413", "415", "429", "503");
      assertThat(post.at("/requestBody/content").propertyNames())
          .containsExactly("application/json");
    }
    assertThat(
            response.json().at("/components/schemas/Tweet/required").values().stream()
                .map(JsonNode::stringValue))
        .containsExactly("municipality", "temperature", "humidity", "weather");
    assertThat(
            response.json().at("/components/responses/GatewayUnavailable/headers").propertyNames())
        .containsExactly("Retry-After");
    for (String path : List.of("/api/compare", "/api/stores", "/api/windows", "/api/catalogue")) {
      assertThat(paths.get(path).get("get").get("responses").propertyNames())
          .as(path)
          .contains("200");
    }
    assertThat(paths.at("/~1api~1compare/get/responses").propertyNames())
        .containsExactlyInAnyOrder("200", "503");
    assertThat(client.get("/v3/api-docs.yaml").body()).startsWith("openapi: 3.1.0");
  }

  /** The document states the default batch limit; the settings record decides it. */
  @Test
  void statesTheDefaultBatchLimit() {
    JsonNode schema =
        new IngressClient(port)
            .get("/v3/api-docs")
            .json()
            .at("/paths/~1api~1tweets/post/requestBody/content/application~1json/schema");
    assertThat(schema.get("maxItems").asInt()).isEqualTo(properties.maxBatch());
  }
}
