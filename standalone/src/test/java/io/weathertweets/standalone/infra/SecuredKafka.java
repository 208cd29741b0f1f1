package io.weathertweets.standalone.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real broker whose client listener is what a secured production cluster (Strimzi's {@code tls}
 * listener with {@code scram-sha-512} authentication) offers: {@code SASL_SSL}, SCRAM-SHA-512, a
 * server certificate for {@code localhost} signed by a CA of this run, and the CA in a PKCS12 trust
 * store for the clients. The broker's own listeners (inter-broker, controller) stay PLAINTEXT; no
 * ACLs.
 *
 * <p>Every password (users, key stores) is random per run: nothing secret lives in the code. The
 * certificates are made with the JDK's {@code keytool}, so the test needs nothing beyond a JDK.
 */
public final class SecuredKafka implements AutoCloseable {
  public static final String MECHANISM = "SCRAM-SHA-512";

  private final EmbeddedKafka kafka;
  private final int securedPort;
  private final Path trustStore;
  private final String trustStorePassword;
  private final Map<String, String> passwords;

  private SecuredKafka(
      EmbeddedKafka kafka,
      int securedPort,
      Path trustStore,
      String trustStorePassword,
      Map<String, String> passwords) {
    this.kafka = kafka;
    this.securedPort = securedPort;
    this.trustStore = trustStore;
    this.trustStorePassword = trustStorePassword;
    this.passwords = passwords;
  }

  /** Starts the broker under {@code dir} with one SCRAM user per name in {@code users}. */
  public static SecuredKafka start(Path dir, List<String> users) throws IOException {
    return start(dir, users, Map.of());
  }

  /**
   * As {@link #start(Path, List)}, with further broker settings (a cluster's own config: topic
   * auto-creation, an authorizer and its super users; the broker's own listeners authenticate as
   * {@code User:ANONYMOUS}).
   */
  public static SecuredKafka start(Path dir, List<String> users, Map<String, String> brokerSettings)
      throws IOException {
    Path certs = Files.createDirectories(dir.resolve("certs"));
    String caPassword = secret();
    String brokerPassword = secret();
    String trustPassword = secret();
    Path ca = certs.resolve("ca.p12");
    Path caPem = certs.resolve("ca.pem");
    Path trustStore = certs.resolve("ca-truststore.p12");
    Path broker = certs.resolve("broker.p12");
    Path request = certs.resolve("broker.csr");
    // Each keytool run is a JVM start: the CA's steps and the broker key's steps run side by side.
    CompletableFuture<Void> caReady =
        CompletableFuture.runAsync(
            () -> {
              keytool(
                  "-genkeypair",
                  "-alias",
                  "ca",
                  "-keyalg",
                  "EC",
                  "-groupname",
                  "secp256r1",
                  "-validity",
                  "2",
                  "-dname",
                  "CN=Weather Tweets test CA",
                  "-ext",
                  "bc:c",
                  "-keystore",
                  ca.toString(),
                  "-storetype",
                  "PKCS12",
                  "-storepass",
                  caPassword);
              keytool(
                  "-exportcert",
                  "-rfc",
                  "-alias",
                  "ca",
                  "-keystore",
                  ca.toString(),
                  "-storepass",
                  caPassword,
                  "-file",
                  caPem.toString());
            });
    CompletableFuture<Void> requestReady =
        CompletableFuture.runAsync(
            () -> {
              keytool(
                  "-genkeypair",
                  "-alias",
                  "broker",
                  "-keyalg",
                  "EC",
                  "-groupname",
                  "secp256r1",
                  "-validity",
                  "2",
                  "-dname",
                  "CN=localhost",
                  "-keystore",
                  broker.toString(),
                  "-storetype",
                  "PKCS12",
                  "-storepass",
                  brokerPassword);
              keytool(
                  "-certreq",
                  "-alias",
                  "broker",
                  "-keystore",
                  broker.toString(),
                  "-storepass",
                  brokerPassword,
                  "-file",
                  request.toString());
            });
    caReady.join();
    CompletableFuture<Void> trustStoreReady =
        CompletableFuture.runAsync(
            () ->
                keytool(
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "ca",
                    "-file",
                    caPem.toString(),
                    "-keystore",
                    trustStore.toString(),
                    "-storetype",
                    "PKCS12",
                    "-storepass",
                    trustPassword));
    requestReady.join();
    // Clients verify the host name (ssl.endpoint.identification.algorithm=https by default): the
    // SAN matters.
    Path signed = certs.resolve("broker.pem");
    keytool(
        "-gencert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-storepass",
        caPassword,
        "-infile",
        request.toString(),
        "-outfile",
        signed.toString(),
        "-validity",
        "2",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-ext",
        "EKU=serverAuth");
    // The reply with its whole chain, so that the broker presents the CA too and keytool needs no
    // trust prompt.
    Path chain = certs.resolve("broker-chain.pem");
    Files.writeString(chain, Files.readString(signed) + Files.readString(caPem));
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        chain.toString(),
        "-keystore",
        broker.toString(),
        "-storepass",
        brokerPassword);
    trustStoreReady.join();

    Map<String, String> passwords = new LinkedHashMap<>();
    List<String> scram = new ArrayList<>();
    for (String user : users) {
      String password = secret();
      passwords.put(user, password);
      scram.add(MECHANISM + "=[name=" + user + ",password=" + password + "]");
    }
    String prefix = "listener.name.sasl_ssl.";
    Map<String, String> settings = new LinkedHashMap<>(brokerSettings);
    settings.putAll(
        Map.of(
            prefix + "ssl.keystore.location",
            broker.toString(),
            prefix + "ssl.keystore.type",
            "PKCS12",
            prefix + "ssl.keystore.password",
            brokerPassword,
            prefix + "ssl.key.password",
            brokerPassword,
            prefix + "sasl.enabled.mechanisms",
            MECHANISM,
            prefix + MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required;"));

    int[] ports = io.weathertweets.embedded.FreePorts.distinct(3);
    EmbeddedKafka kafka =
        EmbeddedKafka.start(
            dir.resolve("kafka"),
            ports[0],
            ports[1],
            new EmbeddedKafka.SecuredListener(ports[2], settings, scram));
    return new SecuredKafka(kafka, ports[2], trustStore, trustPassword, passwords);
  }

  /** The SASL_SSL listener, the only one a client of the secured cluster is given. */
  public String bootstrapServers() {
    return "localhost:" + securedPort;
  }

  public Path trustStore() {
    return trustStore;
  }

  public String trustStorePassword() {
    return trustStorePassword;
  }

  public String password(String user) {
    String password = passwords.get(user);
    if (password == null) {
      throw new IllegalArgumentException(
          "no SCRAM user " + user + " on this broker; users: " + passwords.keySet());
    }
    return password;
  }

  @Override
  public void close() {
    kafka.close();
  }

  private static String secret() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    // A short-lived tool: the C1 compiler and the serial collector halve its start-up on a busy
    // machine.
    command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run keytool " + args[0], e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool " + args[0], e);
    }
  }
}
