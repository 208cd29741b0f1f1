package io.weathertweets.aggregates;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * The panel hashes of the store layout: each is one hash {@code {p}:{id}} holding one figure across
 * municipalities, what a dashboard shows as one chart. This is the one list of them: {@link
 * StoreLayout#panel} names their keys, {@link Overview#panelHashes} derives their fields, the
 * ingress reads them for {@code /api/stores}, the bridge's Lua script receives them as arguments
 * (BatchScript), the live page takes them from {@code GET /api/catalogue}, and {@code
 * CatalogueTest} checks the files that have to name them (the Grafana dashboards, the README).
 *
 * <p>A panel of one of the three {@link Kind kinds} is one constant here. Another kind needs code
 * in {@link Overview} and in the Lua script.
 */
public enum Panel {
  TEMPERATURE_AVG(
      Kind.PER_MUNICIPALITY,
      "temperature_avg",
      "temperature_avg",
      "Average temperature per municipality",
      "°C",
      TweetRules.TEMPERATURE_MAX),
  TEMPERATURE_MAX(
      Kind.PER_MUNICIPALITY,
      "temperature_max",
      "temperature_max",
      "Highest temperature per municipality",
      "°C",
      TweetRules.TEMPERATURE_MAX),
  TEMPERATURE_MIN(
      Kind.PER_MUNICIPALITY,
      "temperature_min",
      "temperature_min",
      "Lowest temperature per municipality",
      "°C",
      TweetRules.TEMPERATURE_MAX),
  HUMIDITY_AVG(
      Kind.PER_MUNICIPALITY,
      "humidity_avg",
      "humidity_avg",
      "Average humidity per municipality",
      "%",
      TweetRules.HUMIDITY_MAX),
  REPORTS(Kind.PER_MUNICIPALITY, "reports", "count", "Reports per municipality", "", 0),
  CONDITIONS(Kind.PER_CONDITION, "conditions", null, "Reports per condition", "", 0),
  EXTREMES(Kind.EXTREMES, "extremes", null, "Highest and lowest temperature", "°C", 0);

  /** What a panel's fields are and where its values come from. */
  public enum Kind {
    /**
     * Field = municipality id, value = the {@link #figure()} field of the municipality's all-time
     * aggregate ({@link Aggregate#toFields()}); municipalities without tweets have no field.
     */
    PER_MUNICIPALITY("municipality"),
    /** Field = condition id, value = its all-time count over all municipalities; always all. */
    PER_CONDITION("condition"),
    /**
     * For each {@link Extreme}: its figure and the municipality that has it ({@link
     * Extreme#municipalityField()}); empty before the first tweet.
     */
    EXTREMES("extreme");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    /** What the fields are named by, as {@code GET /api/catalogue} says it. */
    public String id() {
      return id;
    }
  }

  /**
   * The figures of the {@link Kind#EXTREMES} panel: the highest or lowest value of one aggregate
   * field over all municipalities. Ties go to the first municipality in catalogue order.
   */
  public enum Extreme {
    HIGHEST_TEMPERATURE("temperature_max", "Highest temperature", true),
    LOWEST_TEMPERATURE("temperature_min", "Lowest temperature", false);

    private final String figure;
    private final String title;
    private final boolean highest;

    Extreme(String figure, String title, boolean highest) {
      this.figure = figure;
      this.title = title;
      this.highest = highest;
    }

    /** The aggregate field compared, and the name of the extremes hash field holding the value. */
    public String figure() {
      return figure;
    }

    /** The extremes hash field naming the municipality that has the value. */
    public String municipalityField() {
      return figure + "_municipality";
    }

    public String title() {
      return title;
    }

    /** True: the highest value wins; false: the lowest. */
    public boolean highest() {
      return highest;
    }
  }

  private static final List<String> IDS = Arrays.stream(values()).map(Panel::id).toList();

  private final Kind kind;
  private final String id;
  private final String figure;
  private final String title;
  private final String unit;
  private final int scale;

  Panel(Kind kind, String id, String figure, String title, String unit, int scale) {
    this.kind = kind;
    this.id = id;
    this.figure = figure;
    this.title = title;
    this.unit = unit;
    this.scale = scale;
  }

  /** The key suffix ({@code {p}:{id}}) and the panel's name in the ingress's answers. */
  public String id() {
    return id;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * For {@link Kind#PER_MUNICIPALITY}: the field of the municipality's aggregate shown; else null.
   */
  public String figure() {
    return figure;
  }

  /** A human title, e.g. for the live page. */
  public String title() {
    return title;
  }

  /** The unit of the values ("°C", "%"), empty for counts. */
  public String unit() {
    return unit;
  }

  /**
   * The largest magnitude a value can have (from {@link TweetRules}), for bar lengths; empty when
   * bars are relative to the largest value shown.
   */
  public OptionalInt scale() {
    return scale == 0 ? OptionalInt.empty() : OptionalInt.of(scale);
  }

  /** The extremes of a {@link Kind#EXTREMES} panel, in the order they are written; else empty. */
  public List<Extreme> extremes() {
    return kind == Kind.EXTREMES ? List.of(Extreme.values()) : List.of();
  }

  /** The hash's fields when every municipality has tweets, in the order they are written. */
  public List<String> fields() {
    return switch (kind) {
      case PER_MUNICIPALITY -> Municipality.ids();
      case PER_CONDITION -> Condition.ids();
      case EXTREMES ->
          extremes().stream()
              .flatMap(e -> List.of(e.figure(), e.municipalityField()).stream())
              .toList();
    };
  }

  /** Every {@link #id()}, in declaration order. */
  public static List<String> ids() {
    return IDS;
  }
}
