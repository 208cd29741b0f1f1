package io.weathertweets.faults;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The heap of one service JVM, read over JMX from the outside: the suite attaches to the process
 * (the JDK's attach mechanism, same user), starts its local management agent and reads the platform
 * memory bean. Unlike an actuator metric this can also force a full collection, which is what makes
 * "used after GC" — the heap the service really retains — measurable at a chosen moment rather than
 * whenever the collector happened to run.
 */
final class HeapProbe implements AutoCloseable {
  private final long pid;
  private final JMXConnector connector;
  private final MemoryMXBean memory;

  private HeapProbe(long pid, JMXConnector connector, MemoryMXBean memory) {
    this.pid = pid;
    this.connector = connector;
    this.memory = memory;
  }

  static HeapProbe attach(String name, long pid) {
    try {
      VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
      String address;
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
      JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
      MBeanServerConnection server = connector.getMBeanServerConnection();
      MemoryMXBean memory =
          ManagementFactory.newPlatformMXBeanProxy(
              server, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
      return new HeapProbe(pid, connector, memory);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot read the heap of "
              + name
              + " (pid "
              + pid
              + ") over JMX: "
              + e
              + ". The suite must run on a JDK (jdk.attach) as the same user as the services.",
          e);
    }
  }

  long pid() {
    return pid;
  }

  /** Heap in use now, garbage included (bytes). */
  long used() {
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** The heap the JVM may grow to (bytes): -Xmx as the collector accounts it. */
  long max() {
    return memory.getHeapMemoryUsage().getMax();
  }

  /** Forces a full collection and returns what is left in use: the live heap (bytes). */
  long usedAfterFullGc() {
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  @Override
  public void close() {
    try {
      connector.close();
    } catch (IOException e) {
      // The service may be gone; nothing to release then.
    }
  }
}
