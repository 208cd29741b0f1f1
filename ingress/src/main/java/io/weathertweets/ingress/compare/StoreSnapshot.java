package io.weathertweets.ingress.compare;

import io.weathertweets.aggregates.ConsumerReport;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Panel;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.StoreReader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything one store holds for the dashboard, read in one go: the all-time hash of every
 * municipality, the panel hashes ({@link Panel}, by id) and the meta hash (values are the strings
 * as stored), and the path consumer's own report of how far behind it is ({@code null} when it has
 * written none).
 */
record StoreSnapshot(
    Map<String, Map<String, String>> municipalities,
    Map<String, Map<String, String>> panels,
    Map<String, String> meta,
    ConsumerReport.View consumer) {

  /**
   * @param nowMs the reader's clock, to judge the age of the consumer's report
   * @param staleAfterMs a report older than this says the consumer is not running or cannot reach
   *     its store
   */
  static StoreSnapshot read(StoreReader reader, long nowMs, long staleAfterMs) {
    StoreLayout layout = reader.layout();
    Map<String, Map<String, String>> municipalities = new LinkedHashMap<>();
    for (Municipality m : Municipality.values()) {
      Map<String, String> fields = reader.hash(layout.municipality(m));
      if (!fields.isEmpty()) {
        municipalities.put(m.id(), fields);
      }
    }
    Map<String, Map<String, String>> panels = new LinkedHashMap<>();
    for (Panel panel : Panel.values()) {
      panels.put(panel.id(), reader.hash(layout.panel(panel)));
    }
    ConsumerReport.View consumer =
        reader.consumerReport().map(r -> r.view(nowMs, staleAfterMs)).orElse(null);
    return new StoreSnapshot(municipalities, panels, reader.meta(), consumer);
  }
}
