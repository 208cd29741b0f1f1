package io.weathertweets.ingress.api;

import org.springdoc.core.configuration.SpringDocConfiguration;
import org.springdoc.core.properties.SpringDocConfigProperties;
import org.springdoc.core.providers.ObjectMapperProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Swagger UI (springdoc's webjar, served by the ingress itself, nothing from a CDN) on the
 * hand-written document of {@link OpenApiController}. {@code springdoc.api-docs.enabled=false}
 * (ingress.yml) keeps springdoc from generating and mapping a document of its own at {@code
 * /v3/api-docs}, but it also switches off springdoc's core, which its Swagger UI configuration
 * requires. These are the few beans springdoc documents for exactly this case ("Swagger UI on a
 * provided spec"): a {@code SpringDocConfiguration} instance as a marker (declared as a bean its
 * own {@code @Bean} methods are not processed, so nothing is scanned or generated), the bound
 * {@code springdoc.*} properties and the mapper the UI's config endpoint writes with.
 */
@Configuration(proxyBeanMethods = false)
class SwaggerUiConfiguration {

  @Bean
  SpringDocConfiguration springDocConfiguration() {
    return new SpringDocConfiguration();
  }

  @Bean
  SpringDocConfigProperties springDocConfigProperties() {
    return new SpringDocConfigProperties();
  }

  @Bean
  ObjectMapperProvider objectMapperProvider(SpringDocConfigProperties springDocConfigProperties) {
    return new ObjectMapperProvider(springDocConfigProperties);
  }
}
