package io.bulwark.bench.soak;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the server's unified GC log ({@code -Xlog:gc:file=...}) as it grows, for the heap used
 * right after each collection: {@code GC(12) Pause Young (Normal) (G1 Evacuation Pause) 120M->35M(256M) 3.2ms}.
 *
 * <p>Why the log: the server's {@code /metrics} has no "heap after GC" for every collection.
 * Micrometer's {@code jvm_gc_live_data_size_bytes} moves only when the old generation shrinks,
 * which with G1's default heap may not happen once in a run, and the pools' used bytes include
 * whatever was allocated since the last collection. The log line is written by the JVM at the
 * end of every pause and costs nothing measurable; its resolution is the log's unit (1 MiB at
 * these sizes).
 */
final class GcLog {

    private static final Pattern PAUSE = Pattern.compile(
            "GC\\(\\d+\\) Pause (Young|Full|Remark|Cleanup)(?: \\(([^)]*)\\))?.*? (\\d+)([BKMG])->(\\d+)([BKMG])\\((\\d+)([BKMG])\\)");

    /**
     * One pause with the heap figures it logged.
     *
     * @param pause e.g. {@code Young (Mixed)}, {@code Full (System.gc())}, {@code Remark}
     * @param afterBytes heap used when the pause ended
     * @param committedBytes heap committed then
     * @param evacuation true for young, mixed and full pauses: these empty the young generation,
     *                   so the heap after them is the live data plus garbage not yet reclaimed in
     *                   the old generation. Remark and cleanup do not, and are not a heap-after-GC.
     * @param reclaimsOld true for mixed and full pauses, the ones that collect the old generation
     */
    record Pause(String pause, long afterBytes, long committedBytes, boolean evacuation, boolean reclaimsOld) {
    }

    private final Path file;
    private long offset;
    private String partial = "";

    GcLog(Path file) {
        this.file = file;
    }

    /** The pauses logged since the last call (none while the file does not exist yet). */
    List<Pause> poll() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        byte[] fresh;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length < offset) {
                // The file was replaced (it should not be: rotation is off); start over.
                offset = 0;
                partial = "";
            }
            fresh = new byte[(int) Math.min(Integer.MAX_VALUE - 8, length - offset)];
            in.seek(offset);
            in.readFully(fresh);
            offset += fresh.length;
        }
        String text = partial + new String(fresh, StandardCharsets.UTF_8);
        int lastNewline = text.lastIndexOf('\n');
        // A line the JVM is still writing waits for the next poll.
        partial = text.substring(lastNewline + 1);
        List<Pause> pauses = new ArrayList<>();
        if (lastNewline >= 0) {
            for (String line : text.substring(0, lastNewline).split("\n")) {
                parse(line).ifPresent(pauses::add);
            }
        }
        return pauses;
    }

    /** The pause a log line reports, if it reports one with heap figures. */
    static Optional<Pause> parse(String line) {
        Matcher m = PAUSE.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        String type = m.group(1);
        String detail = m.group(2);
        String pause = detail == null ? type : type + " (" + detail + ")";
        boolean evacuation = type.equals("Young") || type.equals("Full");
        boolean reclaimsOld = type.equals("Full") || (type.equals("Young") && "Mixed".equals(detail));
        return Optional.of(new Pause(pause, bytes(m.group(5), m.group(6)), bytes(m.group(7), m.group(8)),
                evacuation, reclaimsOld));
    }

    private static long bytes(String number, String unit) {
        long n = Long.parseLong(number);
        return switch (unit) {
            case "K" -> n << 10;
            case "M" -> n << 20;
            case "G" -> n << 30;
            default -> n;
        };
    }
}
