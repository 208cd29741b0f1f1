package io.weathertweets.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.ingress.IngressClient;
import io.weathertweets.ingress.WithFakeGateways;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Swagger UI shows the hand-written document: its page and assets come from the ingress itself (a
 * webjar, so it works offline), its initializer and runtime settings point at {@code /v3/api-docs},
 * and {@code /v3/api-docs} is still the hand-written document, not one springdoc generated. A
 * bucket of one request a minute shows the rate limit stays off the UI.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=ingress",
      "weather.ingress.routing=kafka",
      "weather.ingress.rate-limit.requests=1",
      "weather.ingress.rate-limit.period=1m",
      "weather.ingress.rate-limit.burst=1"
    })
@ExtendWith(OutputCaptureExtension.class)
class SwaggerUiTest extends WithFakeGateways {
  private static final String TWEET =
      """
      {"municipality":"mixco","temperature":25,"humidity":70,"weather":"sunny"}""";
  private static final Pattern LOCAL_ASSET = Pattern.compile("(?:src|href)=\"\\./([^\"]+)\"");

  @LocalServerPort int port;

  @Test
  void shouldServeSwaggerUiFromTheIngressOnTheHandWrittenDocument() {
    IngressClient client = new IngressClient(port);

    IngressClient.Response page = client.get("/swagger-ui/index.html");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body()).contains("<div id=\"swagger-ui\">");
    // Nothing from a CDN: every script and stylesheet is one of the ingress's own.
    assertThat(page.body()).doesNotContain("src=\"http", "href=\"http", "src=\"//", "href=\"//");
    List<String> assets = LOCAL_ASSET.matcher(page.body()).results().map(r -> r.group(1)).toList();
    assertThat(assets).contains("swagger-ui.css", "swagger-ui-bundle.js", "swagger-initializer.js");
    for (String asset : assets) {
      assertThat(client.get("/swagger-ui/" + asset).status()).as(asset).isEqualTo(200);
    }

    String initializer = client.get("/swagger-ui/swagger-initializer.js").body();
    Matcher url =
        Pattern.compile("\"url\"\\s*:\\s*\"([^\"]*)\"|url:\\s*\"([^\"]*)\"").matcher(initializer);
    assertThat(url.find()).as(initializer).isTrue();
    assertThat(url.group(1) != null ? url.group(1) : url.group(2)).isEqualTo("/v3/api-docs");
    assertThat(initializer)
        .doesNotContain("petstore")
        .contains("\"configUrl\" : \"/v3/api-docs/swagger-config\"");

    // The document the UI loads is the hand-written one, served once.
    IngressClient.Response document = client.get("/v3/api-docs");
    assertThat(document.status()).isEqualTo(200);
    assertThat(document.json().get("openapi").stringValue()).isEqualTo("3.1.0");
    assertThat(document.json().at("/info/title").stringValue()).isEqualTo("Weather Tweets ingress");
    // The UI's runtime settings (springdoc's, not a document) name the same document and no online
    // validator.
    IngressClient.Response config = client.get("/v3/api-docs/swagger-config");
    assertThat(config.status()).isEqualTo(200);
    assertThat(config.json().get("url").stringValue()).isEqualTo("/v3/api-docs");
    assertThat(config.json().get("validatorUrl").stringValue()).isEmpty();
    // The short address people type leads to the UI.
    IngressClient.Response shortcut = client.get("/swagger-ui.html");
    assertThat(shortcut.status()).isEqualTo(302);
    assertThat(shortcut.headers().firstValue("Location"))
        .hasValueSatisfying(location -> assertThat(location).endsWith("/swagger-ui/index.html"));
  }

  @Test
  void shouldStartWithoutSpringdocWarnings(CapturedOutput output) {
    // This class's settings are its own, so its context starts while the output is captured.
    assertThat(output.getAll())
        .contains("Tomcat started on port " + port)
        .doesNotContain("SpringDoc")
        .doesNotContain("enabled by default");
  }

  @Test
  void shouldKeepTheUiReachableForAClientWhoseTweetBucketIsEmpty() {
    IngressClient client = new IngressClient(port);
    client.postJson("/api/tweet", TWEET);
    assertThat(client.postJson("/api/tweet", TWEET).status())
        .as("the bucket of one is empty")
        .isEqualTo(429);

    for (String path :
        List.of(
            "/swagger-ui/index.html",
            "/swagger-ui/swagger-ui-bundle.js",
            "/swagger-ui/swagger-ui.css",
            "/swagger-ui/swagger-initializer.js",
            "/v3/api-docs")) {
      assertThat(client.get(path).status()).as(path).isEqualTo(200);
    }
  }
}
