package io.weathertweets.ingress.catalogue;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/catalogue}: the municipalities and conditions the system knows, in catalogue
 * order (the order of {@link Municipality} and {@link Condition}). The live page builds its lists
 * from it instead of spelling them out.
 */
@RestController
class CatalogueController {
  private static final Catalogue CATALOGUE = new Catalogue(Municipality.ids(), Condition.ids());

  /** The answer: lower-case ids, as in the tweets' JSON and the store keys. */
  record Catalogue(List<String> municipalities, List<String> conditions) {}

  @GetMapping(path = "/api/catalogue", produces = MediaType.APPLICATION_JSON_VALUE)
  Catalogue catalogue() {
    return CATALOGUE;
  }
}
