package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.io.ClassPathResource;

/**
 * A service's yml maps environment variables onto its settings records as {@code
 * ${VARIABLE:fallback}}, and each fallback repeats the record's {@code @DefaultValue}. The record
 * is where a default is decided; this check fails the build when a yml fallback says otherwise, or
 * when the yml has a key under the record's prefix that the record does not have (Spring would
 * ignore it, and the variable it maps with it).
 */
public final class YmlFallbacks {
  private YmlFallbacks() {}

  /**
   * Binds {@code type} at {@code prefix} twice, from the classpath resource {@code yml} with no
   * environment variable set (every placeholder at its fallback) and from nothing (the record's own
   * defaults), and requires both to be equal and every key of the yml under {@code prefix} to be
   * bound.
   */
  public static <T> void assertAgreeWithTheRecord(String yml, String prefix, Class<T> type) {
    MutablePropertySources sources = new MutablePropertySources();
    try {
      new YamlPropertySourceLoader()
          .load(yml, new ClassPathResource(yml))
          .forEach(sources::addLast);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(sources.size()).as("documents in %s", yml).isPositive();
    T fromYml =
        new Binder(
                ConfigurationPropertySources.from(sources),
                new PropertySourcesPlaceholdersResolver(sources))
            .bindOrCreate(
                prefix, Bindable.of(type), new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
    T fromRecord = new Binder().bindOrCreate(prefix, type);
    assertThat(fromYml)
        .as("%s bound from %s's fallbacks vs. the record's defaults", prefix, yml)
        .isEqualTo(fromRecord);
  }
}
