package io.bulwark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * CPU time from {@code /proc}, in the kernel's clock ticks. Both the machine's counters
 * ({@code /proc/stat}) and a process's ({@code /proc/<pid>/stat}) use the same tick, so their
 * ratios need no knowledge of its length.
 *
 * @param busy ticks all CPUs spent on anything but idle and I/O wait
 * @param total ticks all CPUs spent in any state
 * @param cpus how many CPUs the counters cover
 */
public record CpuTicks(long busy, long total, int cpus) {

    /** The machine's counters now, or empty off Linux. */
    public static Optional<CpuTicks> machine() {
        return machine(read(Path.of("/proc/stat")));
    }

    /** User plus system ticks of process {@code pid} and all its threads, or empty when unknown. */
    public static OptionalLong process(long pid) {
        return process(read(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /**
     * How busy the machine is over {@code window}, as a fraction of all its cores (0 to 1):
     * a benchmark checks this first, since a build running beside it slows every figure.
     */
    public static OptionalDouble busyFraction(Duration window) throws InterruptedException {
        Optional<CpuTicks> before = machine();
        Thread.sleep(window);
        Optional<CpuTicks> after = machine();
        if (before.isEmpty() || after.isEmpty() || after.get().total == before.get().total) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((double) (after.get().busy - before.get().busy) / (after.get().total - before.get().total));
    }

    /** The aggregate {@code cpu} line of a {@code /proc/stat} text. */
    static Optional<CpuTicks> machine(List<String> stat) {
        int cpus = (int) stat.stream().filter(l -> l.matches("cpu\\d+ .*")).count();
        return stat.stream().filter(l -> l.startsWith("cpu ")).findFirst().map(line -> {
            String[] f = line.trim().split("\\s+");
            // user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is
            // already inside user, so only the first eight fields are summed.
            long total = 0;
            for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            return new CpuTicks(total - idle, total, cpus);
        });
    }

    /** utime + stime of a {@code /proc/<pid>/stat} (or {@code /proc/<pid>/task/<tid>/stat}) text. */
    public static OptionalLong process(List<String> stat) {
        if (stat.isEmpty()) {
            return OptionalLong.empty();
        }
        String line = stat.getFirst();
        // The command name, in parentheses, may hold spaces: count fields after its closing one.
        String[] f = line.substring(line.lastIndexOf(')') + 2).split("\\s+");
        // f[0] is field 3 (state), so utime (field 14) is f[11] and stime (field 15) is f[12].
        return OptionalLong.of(Long.parseLong(f[11]) + Long.parseLong(f[12]));
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | UnsupportedOperationException e) {
            return List.of();
        }
    }
}
