package io.bulwark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The machine a benchmark ran on, printed and stored beside every result: a figure without its
 * machine cannot be compared with anything.
 *
 * @param cores processors available to the JVM
 * @param memoryBytes total memory from {@code /proc/meminfo}, or -1 where there is none
 * @param cpu the CPU model from {@code /proc/cpuinfo}, or "unknown"
 * @param jdk the running JDK's version
 * @param jdkVendor its vendor and VM name
 * @param os name, version and architecture
 */
public record Machine(int cores, long memoryBytes, String cpu, String jdk, String jdkVendor, String os) {

    /** This machine, as the running JVM sees it. */
    public static Machine current() {
        return new Machine(Runtime.getRuntime().availableProcessors(),
                memTotal(lines(Path.of("/proc/meminfo"))).orElse(-1),
                cpuModel(lines(Path.of("/proc/cpuinfo"))),
                Runtime.version().toString(),
                System.getProperty("java.vendor") + " (" + System.getProperty("java.vm.name") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    }

    /** One line for a report header. */
    public String describe() {
        String memory = memoryBytes < 0 ? "memory unknown" : String.format("%.1f GiB RAM", memoryBytes / (1024.0 * 1024 * 1024));
        return cores + " cores (" + cpu + "), " + memory + ", JDK " + jdk + " " + jdkVendor + ", " + os;
    }

    /**
     * A warning to print when other work kept at least a quarter of the machine busy just before
     * a run, else empty: such a run's figures are pessimistic and should not become a baseline.
     *
     * @param busy the fraction of all cores busy, 0 to 1, as {@link CpuTicks#busyFraction} measures it
     */
    public static Optional<String> busyWarning(OptionalDouble busy) {
        if (busy.isPresent() && busy.getAsDouble() >= 0.25) {
            return Optional.of(String.format(Locale.ROOT,
                    "WARNING: the machine was %.0f%% busy before the run: other processes use the cores, so these figures are pessimistic",
                    busy.getAsDouble() * 100));
        }
        return Optional.empty();
    }

    /** {@code MemTotal} of a {@code /proc/meminfo} text, in bytes. */
    static OptionalLong memTotal(List<String> meminfo) {
        return meminfo.stream()
                .filter(l -> l.startsWith("MemTotal:"))
                .map(l -> l.substring("MemTotal:".length()).trim().split("\\s+")[0])
                .mapToLong(kib -> Long.parseLong(kib) * 1024)
                .findFirst();
    }

    private static String cpuModel(List<String> cpuinfo) {
        return cpuinfo.stream()
                .filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst().orElse("unknown");
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | UnsupportedOperationException e) {
            // Not Linux: the fields that come from /proc are reported as unknown.
            return List.of();
        }
    }
}
