#!/usr/bin/env python3
"""Where a service's CPU samples went: jdk.ExecutionSample of a JFR recording, by top frame and by layer.

    bench/jfr-summary.py RECORDING.jfr [TOP]

A sample counts for the layer of the frame nearest the top of its stack that belongs to one (JDK frames belong to
none): a HashMap lookup made by Micrometer counts as metrics, a socket write made by Netty as gRPC/Netty, even though
a servlet filter or Tomcat is further down the same stack. Needs JAVA_HOME's jfr tool (JDK 17+).
"""
import collections, os, re, subprocess, sys

# (layer, frame prefixes); the JDK layer only when no frame of the stack is in another one.
LAYERS = [
    ("ours", ("io.weathertweets.",)),
    ("metrics/observation", ("io.micrometer.", "org.springframework.web.filter.ServerHttpObservationFilter",
                             "org.springframework.grpc.server.observation", "io.grpc.kotlin")),
    ("Kafka client", ("org.apache.kafka.",)),
    ("RabbitMQ client", ("com.rabbitmq.", "org.springframework.amqp.")),
    ("gRPC/Netty", ("io.grpc.", "io.netty.", "org.springframework.grpc.")),
    ("Spring MVC/servlet", ("org.springframework.web.", "org.springframework.http.", "jakarta.servlet.",
                            "org.springframework.boot.web.", "org.springframework.boot.webmvc.")),
    ("Tomcat", ("org.apache.catalina.", "org.apache.coyote.", "org.apache.tomcat.")),
    ("Jackson (other)", ("tools.jackson.", "com.fasterxml.jackson.")),
    ("logging", ("ch.qos.logback.", "org.slf4j.")),
    ("protobuf", ("com.google.protobuf.", "io.weathertweets.proto.")),
]
JDK_LAYER = ("JDK only (threads, locks, virtual threads, I/O)", ("java.", "jdk.", "sun."))

def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    jfr = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "jfr")
    text = subprocess.run([jfr, "print", "--stack-depth", "96", "--events", "jdk.ExecutionSample", path],
                          check=True, capture_output=True, text=True).stdout
    frame = re.compile(r"^\s+([\w$.<>]+)\(.*line:")
    samples, tops, layers = 0, collections.Counter(), collections.Counter()
    for event in text.split("jdk.ExecutionSample {")[1:]:
        frames = [m.group(1) for m in (frame.match(l) for l in event.splitlines()) if m]
        if not frames:
            continue
        samples += 1
        tops[frames[0]] += 1
        layer = next((name for f in frames for name, prefixes in LAYERS if f.startswith(prefixes)), None)
        if layer is None:
            layer = JDK_LAYER[0] if all(f.startswith(JDK_LAYER[1]) for f in frames) else "other"
        layers[layer] += 1
    print(f"{path}: {samples} execution samples")
    print("by layer (of the frame nearest the top that has one):")
    for name, n in layers.most_common():
        print(f"  {100.0 * n / samples:5.1f} %  {name}")
    print(f"top {top} frames:")
    for name, n in tops.most_common(top):
        print(f"  {100.0 * n / samples:5.1f} %  {name}")

if __name__ == "__main__":
    main()
