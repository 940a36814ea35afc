package io.bulwark.bench.soak;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** Counts the kernel keeps for a process in {@code /proc}: its threads and its open file descriptors. */
final class ProcessStats {

    private ProcessStats() {
    }

    /**
     * Threads of {@code pid} as the kernel counts them ({@code Threads:} in {@code /proc/<pid>/status}):
     * every platform thread, the JVM's own (GC, compiler) included; virtual threads are not threads here.
     */
    static OptionalLong threads(long pid) {
        try {
            return statusField(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")), "Threads:");
        } catch (IOException | UnsupportedOperationException e) {
            return OptionalLong.empty();
        }
    }

    /** Open file descriptors of {@code pid}: entries of {@code /proc/<pid>/fd} (sockets, files, pipes). */
    static OptionalLong openFds(long pid) {
        long n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path ignored : fds) {
                n++;
            }
            return OptionalLong.of(n);
        } catch (IOException | UnsupportedOperationException e) {
            return OptionalLong.empty();
        }
    }

    /** A numeric field of a {@code /proc/<pid>/status} text, e.g. {@code Threads:}. */
    static OptionalLong statusField(List<String> status, String field) {
        for (String line : status) {
            if (line.startsWith(field)) {
                return OptionalLong.of(Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]));
            }
        }
        return OptionalLong.empty();
    }
}
