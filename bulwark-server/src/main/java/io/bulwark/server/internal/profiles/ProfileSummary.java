package io.bulwark.server.internal.profiles;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a JFR recording says, read with {@code jdk.jfr.consumer}: the methods on CPU (sampled
 * stacks, by the frame on top and by every method on the stack), where memory was allocated
 * (sampled allocations weighted by bytes), lock contention (monitor enters and parks over the
 * threshold, by class), garbage collection (count, total and longest pause) and slow I/O.
 */
final class ProfileSummary {

    private static final int TOP = 15;

    private ProfileSummary() {
    }

    private static final class Tally {
        long count;
        double amount;
        double longest;

        void add(double value) {
            count++;
            amount += value;
            longest = Math.max(longest, value);
        }
    }

    /** Reads the recording and returns the summary as a JSON-ready map. */
    static Map<String, Object> read(Path jfr) throws IOException {
        long samples = 0;
        Map<String, Tally> self = new HashMap<>();
        Map<String, Tally> total = new HashMap<>();
        Map<String, Tally> allocationSites = new HashMap<>();
        Map<String, Tally> allocationTypes = new HashMap<>();
        Map<String, Tally> monitors = new HashMap<>();
        Map<String, Tally> parks = new HashMap<>();
        Tally gc = new Tally();
        Map<String, Tally> io = new HashMap<>();
        double allocated = 0;
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                switch (e.getEventType().getName()) {
                    case "jdk.ExecutionSample" -> {
                        List<RecordedFrame> frames = frames(e.getStackTrace());
                        if (frames.isEmpty()) {
                            continue;
                        }
                        samples++;
                        self.computeIfAbsent(name(frames.getFirst()), k -> new Tally()).add(1);
                        Set<String> seen = new HashSet<>();
                        for (RecordedFrame f : frames) {
                            String n = name(f);
                            if (seen.add(n)) {
                                total.computeIfAbsent(n, k -> new Tally()).add(1);
                            }
                        }
                    }
                    case "jdk.ObjectAllocationSample" -> {
                        double weight = e.getLong("weight");
                        allocated += weight;
                        List<RecordedFrame> frames = frames(e.getStackTrace());
                        allocationSites.computeIfAbsent(frames.isEmpty() ? "(no stack)" : name(frames.getFirst()),
                                k -> new Tally()).add(weight);
                        allocationTypes.computeIfAbsent(e.getClass("objectClass").getName(), k -> new Tally()).add(weight);
                    }
                    case "jdk.JavaMonitorEnter" -> monitors.computeIfAbsent(e.getClass("monitorClass") == null ? "?"
                            : e.getClass("monitorClass").getName(), k -> new Tally()).add(millis(e.getDuration()));
                    case "jdk.ThreadPark" -> parks.computeIfAbsent(e.getClass("parkedClass") == null ? "(none)"
                            : e.getClass("parkedClass").getName(), k -> new Tally()).add(millis(e.getDuration()));
                    case "jdk.GarbageCollection" -> gc.add(millis(e.getDuration("sumOfPauses")));
                    case "jdk.SocketRead", "jdk.SocketWrite", "jdk.FileRead", "jdk.FileWrite" ->
                            io.computeIfAbsent(e.getEventType().getName().substring(4), k -> new Tally())
                                    .add(millis(e.getDuration()));
                    default -> {
                    }
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("samples", samples);
        cpu.put("topSelf", top(self, samples, "samples"));
        cpu.put("topTotal", top(total, samples, "samples"));
        out.put("cpu", cpu);
        Map<String, Object> alloc = new LinkedHashMap<>();
        alloc.put("sampledBytes", (long) allocated);
        alloc.put("topSites", top(allocationSites, allocated, "bytes"));
        alloc.put("topTypes", top(allocationTypes, allocated, "bytes"));
        out.put("allocation", alloc);
        Map<String, Object> locks = new LinkedHashMap<>();
        locks.put("monitors", waits(monitors));
        locks.put("parks", waits(parks));
        out.put("locks", locks);
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("collections", gc.count);
        g.put("totalPauseMillis", round(gc.amount));
        g.put("longestPauseMillis", round(gc.longest));
        out.put("gc", g);
        out.put("io", waits(io));
        return out;
    }

    /** The stack's frames that are Java methods, top first. */
    private static List<RecordedFrame> frames(RecordedStackTrace stack) {
        if (stack == null) {
            return List.of();
        }
        List<RecordedFrame> out = new ArrayList<>();
        for (RecordedFrame f : stack.getFrames()) {
            if (f.isJavaFrame() && f.getMethod() != null) {
                out.add(f);
            }
        }
        return out;
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static List<Map<String, Object>> top(Map<String, Tally> tallies, double whole, String unit) {
        return tallies.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue().amount, a.getValue().amount))
                .limit(TOP).map(e -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("frame", e.getKey());
                    m.put(unit, (long) e.getValue().amount);
                    m.put("percent", whole == 0 ? 0 : round(100 * e.getValue().amount / whole));
                    return m;
                }).toList();
    }

    private static List<Map<String, Object>> waits(Map<String, Tally> tallies) {
        return tallies.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue().amount, a.getValue().amount))
                .limit(TOP).map(e -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("on", e.getKey());
                    m.put("count", e.getValue().count);
                    m.put("totalMillis", round(e.getValue().amount));
                    m.put("longestMillis", round(e.getValue().longest));
                    return m;
                }).toList();
    }

    private static double millis(Duration d) {
        return d == null ? 0 : d.toNanos() / 1e6;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
