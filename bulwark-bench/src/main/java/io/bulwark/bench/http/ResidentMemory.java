package io.bulwark.bench.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * A process's resident set size, as the kernel counts it ({@code VmRSS}): what the process
 * really occupies in RAM, heap and metaspace and code cache and thread stacks together, which
 * is what a container's memory limit is measured against.
 */
public final class ResidentMemory {

    private ResidentMemory() {
    }

    /** The RSS of {@code pid} in bytes, or empty when {@code /proc} is unavailable (not Linux) or the process is gone. */
    public static OptionalLong of(long pid) {
        try {
            return vmRss(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")));
        } catch (IOException | UnsupportedOperationException e) {
            return OptionalLong.empty();
        }
    }

    /** {@code VmRSS} of a {@code /proc/<pid>/status} text, in bytes. */
    static OptionalLong vmRss(List<String> status) {
        for (String line : status) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                // The kernel always writes kB (KiB) here.
                return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
            }
        }
        return OptionalLong.empty();
    }
}
