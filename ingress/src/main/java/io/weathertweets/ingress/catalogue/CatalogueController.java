package io.weathertweets.ingress.catalogue;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Panel;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/catalogue}: the municipalities and conditions the system knows, in catalogue
 * order (the order of {@link Municipality} and {@link Condition}), and the store's panel hashes
 * ({@link Panel}). The live page builds its lists and charts from it instead of spelling them out.
 */
@RestController
class CatalogueController {
  private static final Catalogue CATALOGUE =
      new Catalogue(
          Municipality.ids(),
          Condition.ids(),
          Arrays.stream(Panel.values()).map(PanelView::of).toList());

  /** The answer: lower-case ids, as in the tweets' JSON and the store keys. */
  record Catalogue(List<String> municipalities, List<String> conditions, List<PanelView> panels) {}

  /**
   * One panel hash: {@code name} is its key in {@code /api/stores}' {@code panels} (and the key
   * suffix in the store), {@code by} what its fields are named by.
   */
  record PanelView(
      String name,
      String by,
      String figure,
      String title,
      String unit,
      Integer scale,
      List<ExtremeView> extremes) {
    static PanelView of(Panel panel) {
      return new PanelView(
          panel.id(),
          panel.kind().id(),
          panel.figure(),
          panel.title(),
          panel.unit(),
          panel.scale().isPresent() ? panel.scale().getAsInt() : null,
          panel.extremes().stream().map(ExtremeView::of).toList());
    }
  }

  /** One figure of an extremes panel: its field, the field naming its municipality, a title. */
  record ExtremeView(String figure, String municipalityField, String title) {
    static ExtremeView of(Panel.Extreme extreme) {
      return new ExtremeView(extreme.figure(), extreme.municipalityField(), extreme.title());
    }
  }

  @GetMapping(path = "/api/catalogue", produces = MediaType.APPLICATION_JSON_VALUE)
  Catalogue catalogue() {
    return CATALOGUE;
  }
}
