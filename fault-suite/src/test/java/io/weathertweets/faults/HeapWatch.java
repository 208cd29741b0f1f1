package io.weathertweets.faults;

import io.weathertweets.harness.ProcessSystem;
import io.weathertweets.harness.Service;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches every service while a load runs: once a second its used heap (kept as the peak of the
 * current phase) and its liveness probe; on request a forced full collection, whose result — the
 * live heap — is the figure that shows whether anything keeps growing. A liveness probe counts as
 * failed when it does not answer UP within 2 s; three failures in a row are what makes Kubernetes
 * restart a pod, so they mark a service unhealthy.
 */
final class HeapWatch implements AutoCloseable {
  enum Phase {
    BASELINE,
    OVERLOAD,
    DRAIN,
    AFTER
  }

  /** One forced full collection: the live heap of a service at a moment of a phase. */
  record LivePoint(Phase phase, long atMs, long bytes) {}

  static final int UNHEALTHY_AFTER = 3;

  private final ProcessSystem system;
  private final Map<Service, HeapProbe> probes = new EnumMap<>(Service.class);
  private final Map<Service, Map<Phase, Long>> peakUsed = new EnumMap<>(Service.class);
  private final Map<Service, List<LivePoint>> live = new EnumMap<>(Service.class);
  private final Map<Service, AtomicInteger> probesFailed = new EnumMap<>(Service.class);
  private final Map<Service, AtomicInteger> failedInARow = new EnumMap<>(Service.class);
  private final Map<Service, AtomicInteger> mostFailedInARow = new EnumMap<>(Service.class);
  private final Map<Service, AtomicBoolean> probing = new EnumMap<>(Service.class);
  private final Map<Phase, Long> peakIngressInFlight = new ConcurrentHashMap<>();
  private final List<String> samplingErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final long startNanos = System.nanoTime();
  private volatile Phase phase = Phase.BASELINE;

  HeapWatch(ProcessSystem system) {
    this.system = system;
    for (Service s : Service.values()) {
      probes.put(s, HeapProbe.attach(s.id, system.process(s).pid()));
      peakUsed.put(s, new ConcurrentHashMap<>());
      live.put(s, new java.util.concurrent.CopyOnWriteArrayList<>());
      probesFailed.put(s, new AtomicInteger());
      failedInARow.put(s, new AtomicInteger());
      mostFailedInARow.put(s, new AtomicInteger());
      probing.put(s, new AtomicBoolean());
    }
    ticker.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
  }

  void phase(Phase next) {
    this.phase = next;
  }

  private void sample() {
    Phase now = phase;
    for (Service s : Service.values()) {
      try {
        long used = probes.get(s).used();
        peakUsed.get(s).merge(now, used, Math::max);
      } catch (RuntimeException e) {
        note(s + " heap not readable: " + e);
      }
      probeLiveness(s);
    }
    // The ingress's own bound on the requests it holds: explains most of its heap under overload.
    peakIngressInFlight.merge(
        now, (long) system.counter(Service.INGRESS, "weather_ingress_in_flight"), Math::max);
  }

  private void probeLiveness(Service s) {
    // One probe at a time per service: a slow answer is a failure, not a reason to pile up more
    // probes.
    if (!probing.get(s).compareAndSet(false, true)) {
      return;
    }
    HttpRequest request =
        HttpRequest.newBuilder(system.actuator(s).resolve("health/liveness"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (r, e) -> {
              boolean up = e == null && r.statusCode() == 200 && r.body().contains("\"UP\"");
              if (up) {
                failedInARow.get(s).set(0);
              } else {
                probesFailed.get(s).incrementAndGet();
                mostFailedInARow
                    .get(s)
                    .accumulateAndGet(failedInARow.get(s).incrementAndGet(), Math::max);
              }
              probing.get(s).set(false);
            });
  }

  /** A forced full collection in every service, recorded as the live heap of the current phase. */
  void recordLiveHeap() {
    Phase now = phase;
    long at = (System.nanoTime() - startNanos) / 1_000_000;
    for (Service s : Service.values()) {
      try {
        live.get(s).add(new LivePoint(now, at, probes.get(s).usedAfterFullGc()));
      } catch (RuntimeException e) {
        note(s + " could not be collected: " + e);
      }
    }
  }

  private void note(String error) {
    if (samplingErrors.size() < 20) {
      samplingErrors.add(error);
    }
  }

  long peakUsed(Service s, Phase p) {
    return peakUsed.get(s).getOrDefault(p, -1L);
  }

  List<LivePoint> live(Service s, Phase p) {
    return live.get(s).stream().filter(l -> l.phase() == p).toList();
  }

  /** The most tweet requests the ingress held at once in a phase (sampled every second). */
  long peakIngressInFlight(Phase p) {
    return peakIngressInFlight.getOrDefault(p, -1L);
  }

  int probesFailed(Service s) {
    return probesFailed.get(s).get();
  }

  int mostFailedInARow(Service s) {
    return mostFailedInARow.get(s).get();
  }

  /** Whether the process watched from the start is still the one running (no crash, no restart). */
  boolean samePid(Service s) {
    return system.process(s).isAlive() && system.process(s).pid() == probes.get(s).pid();
  }

  List<String> samplingErrors() {
    return new ArrayList<>(samplingErrors);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    probes.values().forEach(HeapProbe::close);
    http.close();
  }
}
