package io.weathertweets.ingress.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Panel;
import io.weathertweets.ingress.IngressClient;
import io.weathertweets.ingress.WithFakeGateways;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/catalogue} answers the enums' ids and the store's panels in order, as the served
 * OpenAPI document describes them, and the live page takes its lists from it.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=ingress", "weather.ingress.routing=kafka"})
class CatalogueApiTest extends WithFakeGateways {

  @LocalServerPort int port;

  @Test
  void shouldAnswerTheMunicipalitiesAndConditionsInCatalogueOrder() {
    IngressClient.Response response = new IngressClient(port).get("/api/catalogue");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(response.json().propertyNames())
        .containsExactly("municipalities", "conditions", "panels");
    assertThat(texts(response.json().get("municipalities")))
        .containsExactlyElementsOf(Municipality.ids())
        .containsExactly("mixco", "guatemala", "amatitlan", "chinautla");
    assertThat(texts(response.json().get("conditions")))
        .containsExactlyElementsOf(Condition.ids())
        .containsExactly("sunny", "cloudy", "rainy", "foggy");
  }

  @Test
  void shouldAnswerEveryPanelOfTheStoreWithTheFieldsTheDocumentDescribes() {
    IngressClient client = new IngressClient(port);
    JsonNode panels = client.get("/api/catalogue").json().get("panels");
    JsonNode schemas = client.get("/v3/api-docs").json().get("components").get("schemas");

    assertThat(panels.values().stream().map(p -> p.get("name").stringValue()))
        .containsExactlyElementsOf(Panel.ids());
    assertThat(schemas.at("/Catalogue/properties").propertyNames())
        .containsExactly("municipalities", "conditions", "panels");
    for (JsonNode panel : panels.values()) {
      Panel expected = Panel.values()[Panel.ids().indexOf(panel.get("name").stringValue())];
      assertThat(panel.propertyNames())
          .as(expected.id())
          .containsExactlyInAnyOrderElementsOf(schemas.at("/Panel/properties").propertyNames());
      assertThat(texts(schemas.at("/Panel/properties/by/enum")))
          .contains(panel.get("by").stringValue());
      assertThat(panel.get("by").stringValue()).isEqualTo(expected.kind().id());
      assertThat(panel.get("title").stringValue()).isEqualTo(expected.title());
      assertThat(panel.get("unit").stringValue()).isEqualTo(expected.unit());
      assertThat(panel.get("figure").isNull()).isEqualTo(expected.figure() == null);
      assertThat(panel.get("scale").isNull()).isEqualTo(expected.scale().isEmpty());
      assertThat(panel.get("extremes").values().stream().map(e -> e.get("figure").stringValue()))
          .containsExactlyElementsOf(
              expected.extremes().stream().map(Panel.Extreme::figure).toList());
      for (JsonNode extreme : panel.get("extremes").values()) {
        assertThat(extreme.propertyNames())
            .containsExactlyInAnyOrderElementsOf(
                schemas.at("/Panel/properties/extremes/items/properties").propertyNames());
      }
    }
  }

  @Test
  void shouldServeALivePageThatNamesNoMunicipalityOrConditionItself() {
    IngressClient client = new IngressClient(port);
    for (String resource : List.of("/", "/live.js")) {
      IngressClient.Response page = client.get(resource);
      assertThat(page.status()).as(resource).isEqualTo(200);
      assertThat(Stream.concat(Municipality.ids().stream(), Condition.ids().stream()))
          .as("%s takes the catalogue from /api/catalogue", resource)
          .allSatisfy(
              name ->
                  assertThat(page.body())
                      .doesNotContain("'" + name + "'")
                      .doesNotContain("\"" + name + "\"")
                      .doesNotContain(">" + name + "<"));
    }
    assertThat(client.get("/live.js").body()).contains("/api/catalogue");
  }

  private static List<String> texts(JsonNode array) {
    return array.values().stream().map(JsonNode::stringValue).toList();
  }
}
