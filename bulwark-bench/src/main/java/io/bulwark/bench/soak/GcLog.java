package io.bulwark.bench.soak;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the server's unified GC log as it grows, for the heap used right after each collection.
 * The server runs with {@link #jvmOption}, which writes per pause
 * <pre>
 * [..][debug][gc,heap] GC(3) Heap After GC invocations=4 (full 0):
 * [..][debug][gc,heap] GC(3)  garbage-first heap   total reserved 262144K, committed 262144K, used 10382K [...]
 * [..][info ][gc     ] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 34M->10M(256M) 21.592ms
 * </pre>
 * The pause line names the kind of pause; the heap summary before it gives the used heap in KiB
 * (the pause line alone rounds to MiB, too coarse for a 10% goal on a heap of a few tens of MiB).
 *
 * <p>Why the log: the server's {@code /metrics} has no "heap after GC" for every collection.
 * Micrometer's {@code jvm_gc_live_data_size_bytes} moves only when the old generation shrinks,
 * which with G1's default heap may not happen once in a run, and the pools' used bytes include
 * whatever was allocated since the last collection. The JVM writes these lines at the end of
 * each pause, outside it; they change nothing in how it collects. The pause lines parsed here
 * are those of G1 (the default), Serial and Parallel; ZGC's and Shenandoah's are not.
 */
final class GcLog {

    /** The JVM option that writes this log to {@code file}, without rotation. */
    static String jvmOption(Path file) {
        return "-Xlog:gc,gc+heap=debug:file=" + file + "::filecount=0";
    }

    private static final Pattern PAUSE = Pattern.compile(
            "GC\\((\\d+)\\) Pause (Young|Full|Remark|Cleanup)(?: \\((.+?)\\)(?= ))?.*? (\\d+)([BKMG])->(\\d+)([BKMG])\\((\\d+)([BKMG])\\)");
    private static final Pattern HEAP_AFTER = Pattern.compile("GC\\((\\d+)\\) Heap After GC");
    private static final Pattern HEAP_USED = Pattern.compile("GC\\((\\d+)\\)\\s+\\S.* heap .*used (\\d+)K");

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
    /** The GC whose "Heap After GC" block is being read, or null. */
    private String afterBlockOf;
    /** Heap used after a GC, in bytes, from its summary, until its pause line comes. */
    private final Map<String, Long> usedAfter = new HashMap<>();

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
                accept(line).ifPresent(pauses::add);
            }
        }
        return pauses;
    }

    /** Takes one line: remembers a heap summary, returns a pause with the best heap figure known. */
    Optional<Pause> accept(String line) {
        Matcher after = HEAP_AFTER.matcher(line);
        if (after.find()) {
            afterBlockOf = after.group(1);
            return Optional.empty();
        }
        Matcher used = HEAP_USED.matcher(line);
        if (afterBlockOf != null && used.find() && used.group(1).equals(afterBlockOf)) {
            if (usedAfter.size() > 64) {
                usedAfter.clear();
            }
            usedAfter.put(afterBlockOf, Long.parseLong(used.group(2)) << 10);
            afterBlockOf = null;
            return Optional.empty();
        }
        Matcher pause = PAUSE.matcher(line);
        if (!pause.find()) {
            return Optional.empty();
        }
        afterBlockOf = null;
        Pause parsed = parse(pause);
        Long precise = usedAfter.remove(pause.group(1));
        return Optional.of(precise == null ? parsed
                : new Pause(parsed.pause(), precise, parsed.committedBytes(), parsed.evacuation(), parsed.reclaimsOld()));
    }

    /** The pause a matched pause line reports, with the heap figures of the line itself. */
    private static Pause parse(Matcher m) {
        String type = m.group(2);
        String detail = m.group(3);
        String pause = detail == null ? type : type + " (" + detail + ")";
        boolean evacuation = type.equals("Young") || type.equals("Full");
        boolean reclaimsOld = type.equals("Full") || (type.equals("Young") && "Mixed".equals(detail));
        return new Pause(pause, bytes(m.group(6), m.group(7)), bytes(m.group(8), m.group(9)), evacuation, reclaimsOld);
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
