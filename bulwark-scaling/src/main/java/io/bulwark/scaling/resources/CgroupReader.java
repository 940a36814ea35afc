package io.bulwark.scaling.resources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads the control group limits of this process from cgroupfs, v2 (unified) or v1 (legacy
 * controllers), so that figures are judged against the container's limits, not the host's.
 * The root and {@code /proc/self/cgroup} are parameters, so tests read fixture trees.
 *
 * <p>v2: {@code cpu.max} ({@code "max 100000"} or {@code "<quota> <period>"}), {@code memory.max},
 * {@code memory.current}, {@code cpu.stat}'s {@code throttled_usec}. v1: {@code cpu.cfs_quota_us} and
 * {@code cpu.cfs_period_us} ({@code -1} = none), {@code memory.limit_in_bytes} (a value near
 * {@code Long.MAX_VALUE} = none), {@code memory.usage_in_bytes}, {@code cpu.stat}'s
 * {@code throttled_time} (ns). The group's path comes from {@code /proc/self/cgroup}; inside a
 * container it is usually {@code /}, and a path that does not exist under the root falls back to it.
 */
public final class CgroupReader {

    /** v1 reports "no limit" as a huge page-aligned number; anything above 2^60 is none. */
    private static final long UNLIMITED = 1L << 60;

    private final Path root;
    private final Path selfCgroup;

    public CgroupReader(Path root, Path selfCgroup) {
        this.root = root;
        this.selfCgroup = selfCgroup;
    }

    /** The live system's: {@code /sys/fs/cgroup} and {@code /proc/self/cgroup}. */
    public static CgroupReader system() {
        return new CgroupReader(Path.of("/sys/fs/cgroup"), Path.of("/proc/self/cgroup"));
    }

    /** The limits, or {@link ContainerLimits#NONE} when no control group can be read. */
    public ContainerLimits read() {
        try {
            if (!Files.isDirectory(root)) {
                return ContainerLimits.NONE;
            }
            List<String> lines = Files.isReadable(selfCgroup) ? Files.readAllLines(selfCgroup) : List.of();
            if (Files.exists(root.resolve("cgroup.controllers"))) {
                return v2(dir(root, path(lines, "")));
            }
            return v1(lines);
        } catch (IOException | RuntimeException e) {
            return ContainerLimits.NONE;
        }
    }

    private ContainerLimits v2(Path dir) throws IOException {
        double cores = -1;
        Optional<String> cpuMax = text(dir.resolve("cpu.max"));
        if (cpuMax.isPresent()) {
            String[] parts = cpuMax.get().split("\\s+");
            if (!parts[0].equals("max") && parts.length == 2) {
                cores = Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]);
            }
        }
        long limit = text(dir.resolve("memory.max")).filter(v -> !v.equals("max")).map(Long::parseLong).orElse(-1L);
        long usage = text(dir.resolve("memory.current")).map(Long::parseLong).orElse(-1L);
        long throttled = stat(dir.resolve("cpu.stat"), "throttled_usec");
        return new ContainerLimits(2, cores, limit, usage, throttled < 0 ? -1 : throttled * 1000);
    }

    private ContainerLimits v1(List<String> lines) throws IOException {
        Path cpu = dir(root.resolve("cpu"), path(lines, "cpu"));
        Path memory = dir(root.resolve("memory"), path(lines, "memory"));
        double cores = -1;
        long quota = text(cpu.resolve("cpu.cfs_quota_us")).map(Long::parseLong).orElse(-1L);
        long period = text(cpu.resolve("cpu.cfs_period_us")).map(Long::parseLong).orElse(-1L);
        if (quota > 0 && period > 0) {
            cores = (double) quota / period;
        }
        long limit = text(memory.resolve("memory.limit_in_bytes")).map(Long::parseLong).filter(v -> v < UNLIMITED)
                .orElse(-1L);
        long usage = text(memory.resolve("memory.usage_in_bytes")).map(Long::parseLong).orElse(-1L);
        long throttled = stat(cpu.resolve("cpu.stat"), "throttled_time");
        boolean any = Files.isDirectory(root.resolve("cpu")) || Files.isDirectory(root.resolve("memory"));
        return any ? new ContainerLimits(1, cores, limit, usage, throttled) : ContainerLimits.NONE;
    }

    /**
     * The group path of a controller in {@code /proc/self/cgroup} ({@code "4:memory:/a/b"}; v2's line
     * is {@code "0::/a/b"}, its controller field empty); {@code /} when absent.
     */
    static String path(List<String> lines, String controller) {
        for (String line : lines) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && List.of(f[1].split(",")).contains(controller)) {
                return f[2];
            }
            if (f.length == 3 && controller.isEmpty() && f[0].equals("0") && f[1].isEmpty()) {
                return f[2];
            }
        }
        return "/";
    }

    /** The group's directory under {@code base}, or {@code base} itself when the path is not visible there. */
    private static Path dir(Path base, String path) {
        String rel = path.startsWith("/") ? path.substring(1) : path;
        Path d = rel.isEmpty() ? base : base.resolve(rel);
        return Files.isDirectory(d) ? d : base;
    }

    private static Optional<String> text(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        String s = Files.readString(file).strip();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private static long stat(Path file, String key) throws IOException {
        if (!Files.isReadable(file)) {
            return -1;
        }
        for (String line : Files.readAllLines(file)) {
            String[] kv = line.strip().split("\\s+");
            if (kv.length == 2 && kv[0].equals(key)) {
                return Long.parseLong(kv[1]);
            }
        }
        return -1;
    }
}
