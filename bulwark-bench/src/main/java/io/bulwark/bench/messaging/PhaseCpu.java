package io.bulwark.bench.messaging;

import io.bulwark.bench.CpuTicks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The CPU a phase of the harness cost, in the kernel's clock ticks: this JVM's (the client, and the
 * in-JVM servers of Kafka and SQS) and the broker server's process, where it is a local process the
 * harness can find (RabbitMQ's {@code beam.smp}). On two shared cores a client that burns more CPU
 * per message leaves the broker less, so where the time goes tells more than the rate alone.
 */
final class PhaseCpu {

    private final long serverPid;
    private long client;
    private long server;
    private Map<String, Long> threads = Map.of();

    private PhaseCpu(long serverPid) {
        this.serverPid = serverPid;
    }

    /** Counts for the broker {@code name}'s server process when it runs here (RabbitMQ's Erlang VM), else this JVM only. */
    static PhaseCpu of(String name) {
        long pid = -1;
        if (name.equals("rabbitmq")) {
            pid = ProcessHandle.allProcesses()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/beam.smp")).orElse(false))
                    .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
        }
        return new PhaseCpu(pid);
    }

    /** Starts a phase. */
    void start() {
        client = ticks(ProcessHandle.current().pid());
        server = serverPid < 0 ? -1 : ticks(serverPid);
        threads = threadTicks();
    }

    /**
     * This JVM's ticks in the phase by thread, its name's digits folded ("pool-N-thread-N"; the
     * kernel keeps 15 characters of a name), the busiest first: where a client's CPU goes, the
     * JIT and the garbage collector included. Virtual threads count on their carriers
     * ({@code ForkJoinPool-N-worker-N}).
     */
    String byThread() {
        Map<String, Long> now = threadTicks();
        Map<String, Long> spent = new HashMap<>();
        now.forEach((tid, t) -> spent.merge(tid.substring(tid.indexOf(' ') + 1), t - threads.getOrDefault(tid, 0L), Long::sum));
        return spent.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    /** Ticks of each thread of this JVM now, keyed "tid name". */
    private static Map<String, Long> threadTicks() {
        Map<String, Long> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "N");
                    CpuTicks.process(List.of(stat)).ifPresent(t -> out.put(task.getFileName() + " " + name, t));
                } catch (IOException | RuntimeException e) {
                    // the thread ended
                }
            });
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** Ends the phase: ticks per 1,000 messages of this JVM, and of the server when known ("client 12.0, server 30.4"). */
    String end(int messages) {
        double perK = 1000.0 / messages;
        String c = String.format(Locale.ROOT, "client %.1f", (ticks(ProcessHandle.current().pid()) - client) * perK);
        return serverPid < 0 || server < 0 ? c
                : c + String.format(Locale.ROOT, ", server %.1f", (ticks(serverPid) - server) * perK);
    }

    private static long ticks(long pid) {
        OptionalLong t = CpuTicks.process(pid);
        return t.isPresent() ? t.getAsLong() : -1;
    }
}
