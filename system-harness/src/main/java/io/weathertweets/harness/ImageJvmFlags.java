package io.weathertweets.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The JVM flags the services' container images start with: the {@code jvmFlags} of the Jib
 * configuration in the root {@code pom.xml}, their one source. Whatever starts a service's jar "as
 * its pod would" (the deployment rehearsals, the benchmark) reads them here, so a flag added to the
 * images reaches those runs without being repeated.
 */
public final class ImageJvmFlags {
  private static final String JVM_FLAGS =
      "//plugin[artifactId='jib-maven-plugin']/configuration/container/jvmFlags/jvmFlag";

  private ImageJvmFlags() {}

  /** Every flag, in the pom's order. */
  public static List<String> of(Path repoRoot) {
    Path pom = repoRoot.resolve("pom.xml");
    NodeList flags;
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document document = factory.newDocumentBuilder().parse(pom.toFile());
      flags =
          (NodeList)
              XPathFactory.newInstance()
                  .newXPath()
                  .evaluate(JVM_FLAGS, document, XPathConstants.NODESET);
    } catch (IOException
        | SAXException
        | ParserConfigurationException
        | XPathExpressionException e) {
      throw new IllegalStateException("Could not read the Jib jvmFlags of " + pom + ": " + e, e);
    }
    List<String> result = new ArrayList<>();
    for (int i = 0; i < flags.getLength(); i++) {
      result.add(flags.item(i).getTextContent().strip());
    }
    if (result.isEmpty()) {
      throw new IllegalStateException(
          pom + " has no <jvmFlags> in the jib-maven-plugin's <container> configuration");
    }
    return List.copyOf(result);
  }

  /**
   * The flags without those that size the heap ({@code -XX:MaxRAMPercentage}, {@code -Xmx}): for a
   * run that gives each service a heap of its own.
   */
  public static List<String> withoutHeap(Path repoRoot) {
    return of(repoRoot).stream()
        .filter(flag -> !flag.startsWith("-XX:MaxRAMPercentage") && !flag.startsWith("-Xmx"))
        .toList();
  }
}
