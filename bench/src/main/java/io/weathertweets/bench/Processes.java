package io.weathertweets.bench;

import io.weathertweets.harness.ManagedProcess;
import io.weathertweets.harness.ProcessSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The tools a benchmark runs (wrk, redis-cli, bench's own classes) and what /proc says. */
final class Processes {
  static final long CLOCK_TICKS = clockTicks();

  private Processes() {}

  /** Longest any tool may take unless told otherwise (a limit, a scenario's load, a drain). */
  static final Duration TOOL_TIMEOUT = Duration.ofMinutes(15);

  /** {@link #run(List, Path, Map, Duration)} within {@link #TOOL_TIMEOUT}. */
  static boolean run(List<String> command, Path outFile, Map<String, String> env)
      throws IOException, InterruptedException {
    return run(command, outFile, env, TOOL_TIMEOUT);
  }

  /**
   * Runs {@code command} with its output (stdout and stderr) to {@code outFile}; true if it exited
   * 0 within {@code timeout}, which it does not outlive.
   */
  static boolean run(List<String> command, Path outFile, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(outFile.toFile());
    builder.environment().putAll(env);
    return finish(builder.start(), timeout);
  }

  /** Waits for a started tool; on timeout (or interruption) kills it and its children. */
  static boolean finish(Process p, Duration timeout) throws InterruptedException {
    // A JVM that exits (Ctrl-C, SIGTERM) takes its tools along, as it does the services.
    ManagedProcess.killOnExit(p);
    try {
      if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return p.exitValue() == 0;
      }
      System.err.println(
          "[bench] " + p.info().command().orElse("a tool") + " ran over " + timeout + ": killed");
      return false;
    } finally {
      ManagedProcess.killTree(p);
      ManagedProcess.forget(p);
    }
  }

  /** One of bench's classes (or a dependency's main) in its own JVM, output to {@code outFile}. */
  static boolean runJava(List<String> mainAndArgs, Path outFile)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path")));
    command.addAll(mainAndArgs);
    return run(command, outFile, Map.of());
  }

  /**
   * Deletes a run's queues and exchanges from the shared RabbitMQ: those the harness named ({@code
   * system}'s bridge queue and its dead-letter queue, its exchange and dead-letter exchange) and
   * {@code more} ({@code queue:<name>} or {@code exchange:<name>}). False, with the reason in
   * {@code log}, when that failed.
   */
  static boolean deleteRunNames(String rabbitUri, ProcessSystem system, Path log, String... more)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("io.weathertweets.bench.RabbitAdmin", rabbitUri, "delete"));
    system.rabbitNames().queues().forEach(queue -> command.add("queue:" + queue));
    system.rabbitNames().exchanges().forEach(exchange -> command.add("exchange:" + exchange));
    command.addAll(List.of(more));
    return runJava(command, log);
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * One loadgen run ({@code --json} added) with its report in {@code <out>/<name>.json} and its log
   * in {@code <out>/logs/<name>.err}; the report, or an IllegalStateException naming the log when
   * loadgen failed, or the report when it is not JSON.
   */
  static JsonNode loadgen(Path jar, List<String> args, Path out, String name)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", jar.toString()));
    command.addAll(args);
    command.add("--json");
    Path report = out.resolve(name + ".json");
    Path log = out.resolve("logs/" + name + ".err");
    Process loadgen =
        new ProcessBuilder(command)
            .redirectOutput(report.toFile())
            .redirectError(log.toFile())
            .start();
    if (!finish(loadgen, TOOL_TIMEOUT)) {
      throw new IllegalStateException("loadgen failed in " + name + ": see " + log);
    }
    try {
      return JSON.readTree(Files.readString(report));
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          name + ": loadgen's report " + report + " is not JSON (" + e.getMessage() + ")", e);
    }
  }

  /** The command's standard output if it exited 0 within 60 s, else empty. */
  static Optional<String> output(List<String> command) {
    try {
      Path out = Files.createTempFile("bench-", ".out");
      try {
        Process p =
            new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        return finish(p, Duration.ofSeconds(60))
            ? Optional.of(Files.readString(out, StandardCharsets.UTF_8))
            : Optional.empty();
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** redis-cli's answer, "" when it failed or hung (the caller then reads it as no value). */
  static String redisCli(int port, String... args) {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    return output(command).orElse("").replace("\r", "");
  }

  /** A jcmd command to a running JVM (JFR); false when it failed. */
  static boolean jcmd(long pid, String... command) {
    List<String> all = new ArrayList<>(List.of(jdkTool("jcmd"), Long.toString(pid)));
    all.addAll(List.of(command));
    return output(all).isPresent();
  }

  /** The hot methods of a JFR recording ({@code jfr view hot-methods}) into {@code to}. */
  static void hotMethods(Path recording, Path to) throws IOException {
    if (Files.exists(recording)) {
      Files.writeString(
          to,
          output(
                  List.of(
                      jdkTool("jfr"),
                      "view",
                      "--width",
                      "200",
                      "hot-methods",
                      recording.toString()))
              .orElse("(jfr view failed)\n"));
    }
  }

  /** utime + stime of a process, in clock ticks (0 when it is gone). */
  static long ticks(long pid) {
    try {
      return cpu(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * utime + stime of a process's threads by group, in clock ticks: the thread name with its digits
   * replaced by {@code #} (the kernel keeps the first 15 characters), so that a pool's threads add
   * up.
   */
  static Map<String, Long> threadTicks(long pid) {
    Map<String, Long> groups = new TreeMap<>();
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (var threads = Files.list(tasks)) {
      threads.forEach(
          t -> {
            try {
              String stat = Files.readString(t.resolve("stat"));
              String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
              groups.merge(name.replaceAll("[0-9]+", "#"), cpu(stat), Long::sum);
            } catch (IOException | RuntimeException e) {
              // the thread has ended
            }
          });
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return groups;
  }

  /**
   * Clock ticks per thread group since {@code before} (an earlier {@link #threadTicks} of the same
   * process), groups that used none left out. A thread that ended since takes its ticks with it, so
   * a group's difference is floored at 0.
   */
  static Map<String, Long> threadTicksSince(Map<String, Long> before, long pid) {
    Map<String, Long> used = new TreeMap<>();
    threadTicks(pid)
        .forEach(
            (group, ticks) -> {
              long d = ticks - before.getOrDefault(group, 0L);
              if (d > 0) {
                used.put(group, d);
              }
            });
    return used;
  }

  /**
   * Whether a {@link #threadTicks} group is the JIT compiler's (C1/C2): on two cores shared by
   * seven JVMs they still compile minutes into the load, which is start-up cost, not cost per
   * tweet.
   */
  static boolean isJit(String group) {
    return group.startsWith("C# CompilerThre");
  }

  /** Fields 14 and 15 of a stat line; the name (field 2) may hold spaces and parentheses. */
  private static long cpu(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long clockTicks() {
    try {
      return Long.parseLong(output(List.of("getconf", "CLK_TCK")).orElse("100").strip());
    } catch (RuntimeException e) {
      return 100;
    }
  }

  static boolean onPath(String binary) {
    return Optional.ofNullable(System.getenv("PATH")).stream()
        .flatMap(p -> List.of(p.split(":")).stream())
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, binary)));
  }

  /** The last {@code key=value} of a tool's output, or "" when there is none. */
  static String value(Path file, String key) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    return Files.readAllLines(file).stream()
        .filter(l -> l.startsWith(key + "="))
        .map(l -> l.substring(key.length() + 1))
        .reduce((a, b) -> b)
        .orElse("");
  }

  /** The first group of {@code regex} in the last line of {@code file} that matches, or "". */
  static String lastMatch(Path file, String regex) throws IOException {
    Pattern pattern = Pattern.compile(regex);
    return Files.readAllLines(file).stream()
        .map(pattern::matcher)
        .filter(Matcher::find)
        .map(m -> m.group(1))
        .reduce((a, b) -> b)
        .orElse("");
  }

  static double number(String s, double otherwise) {
    try {
      return Double.parseDouble(s);
    } catch (RuntimeException e) {
      return otherwise;
    }
  }

  static String decimal(double v, int scale) {
    return String.format(Locale.ROOT, "%." + scale + "f", v);
  }

  static String java() {
    return jdkTool("java");
  }

  private static String jdkTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  static List<String> concat(List<String> list, String... more) {
    List<String> all = new ArrayList<>(list);
    all.addAll(List.of(more));
    return all;
  }

  static int env(String name, int otherwise) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? otherwise : Integer.parseInt(v);
  }
}
