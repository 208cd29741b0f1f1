package io.weathertweets.standalone.infra;

/**
 * The default ports are held by real servers on developer and CI machines: tests run the embedded
 * ones elsewhere.
 */
final class FreePorts {

  private FreePorts() {}

  static InfrastructurePorts allocate() {
    int[] ports = io.weathertweets.embedded.FreePorts.distinct(5);
    return new InfrastructurePorts(ports[0], ports[1], ports[2], ports[3], ports[4]);
  }
}
