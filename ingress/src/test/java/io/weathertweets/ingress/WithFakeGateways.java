package io.weathertweets.ingress;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One fake kafka and one fake rabbit gateway for the whole test JVM, targeted through the
 * environment variables a deployment sets, and reset to "acknowledge everything, nothing recorded"
 * before every test. Started once and never stopped (their threads end with the JVM), so a Spring
 * context cached by one test class and reused by another still talks to live gateways.
 */
public abstract class WithFakeGateways {
  protected static final FakeGateway KAFKA = FakeGateway.start("kafka");
  protected static final FakeGateway RABBIT = FakeGateway.start("rabbit");

  @DynamicPropertySource
  static void fakeGateways(DynamicPropertyRegistry registry) {
    registry.add("KAFKA_GATEWAY_TARGET", KAFKA::target);
    registry.add("RABBIT_GATEWAY_TARGET", RABBIT::target);
  }

  @BeforeEach
  void resetFakeGateways() {
    KAFKA.reset();
    RABBIT.reset();
  }
}
