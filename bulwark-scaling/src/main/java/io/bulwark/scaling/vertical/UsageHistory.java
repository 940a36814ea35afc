package io.bulwark.scaling.vertical;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CPU and memory usage of one deployment (all its nodes together), as the VPA keeps an
 * aggregate container state ({@code pkg/recommender/model/aggregate_container_state.go}): every CPU
 * sample in a decaying histogram; for memory, only the peak of each aggregation window (a sample
 * above the window's peak replaces it), so a recommendation covers the peaks, not the average.
 * Half-life 24 h and a 24-hour window by default, as the VPA's.
 */
public final class UsageHistory {

    public static final Duration HALF_LIFE = Duration.ofHours(24);
    public static final Duration MEMORY_WINDOW = Duration.ofHours(24);

    private final DecayingHistogram cpu;
    private final DecayingHistogram memory;
    private Instant first;
    private Instant last;
    private long samples;
    private Instant windowStart;
    private double windowPeak = -1;

    public UsageHistory() {
        this(new DecayingHistogram(DecayingHistogram.Layout.cpuCores(), HALF_LIFE),
                new DecayingHistogram(DecayingHistogram.Layout.memoryBytes(), HALF_LIFE));
    }

    private UsageHistory(DecayingHistogram cpu, DecayingHistogram memory) {
        this.cpu = cpu;
        this.memory = memory;
    }

    /** One node's usage at {@code at}: CPU in cores, memory (RSS) in bytes; negative figures are skipped. */
    public void add(Instant at, double cpuCores, double memoryBytes) {
        if (cpuCores >= 0) {
            cpu.add(cpuCores, 1, at);
        }
        if (memoryBytes >= 0) {
            if (windowStart == null || !at.isBefore(windowStart.plus(MEMORY_WINDOW))) {
                windowStart = at;
                windowPeak = memoryBytes;
                memory.add(memoryBytes, 1, at);
            } else if (memoryBytes > windowPeak) {
                memory.subtract(windowPeak, 1, windowStart);
                windowPeak = memoryBytes;
                memory.add(memoryBytes, 1, windowStart);
            }
        }
        first = first == null || at.isBefore(first) ? at : first;
        last = last == null || at.isAfter(last) ? at : last;
        samples++;
    }

    public DecayingHistogram cpu() {
        return cpu;
    }

    public DecayingHistogram memory() {
        return memory;
    }

    public long samples() {
        return samples;
    }

    /** From the first sample to the last; zero without samples. */
    public Duration span() {
        return first == null ? Duration.ZERO : Duration.between(first, last);
    }

    /**
     * How much history backs a recommendation, in days, as the VPA's {@code getConfidence}: the
     * smaller of the span in days and the samples counted at one a minute.
     */
    public double confidenceDays() {
        return Math.min(span().toMillis() / 86_400_000.0, samples / (24.0 * 60));
    }

    /** Everything, to keep it in a store. */
    public Map<String, Object> save() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpu.save());
        m.put("memory", memory.save());
        m.put("first", first == null ? null : first.toString());
        m.put("last", last == null ? null : last.toString());
        m.put("samples", samples);
        m.put("windowStart", windowStart == null ? null : windowStart.toString());
        m.put("windowPeak", windowPeak);
        return m;
    }

    /** A history as {@link #save} wrote it. */
    public static UsageHistory load(Map<?, ?> saved) {
        UsageHistory h = new UsageHistory(
                DecayingHistogram.load(DecayingHistogram.Layout.cpuCores(), HALF_LIFE, (Map<?, ?>) saved.get("cpu")),
                DecayingHistogram.load(DecayingHistogram.Layout.memoryBytes(), HALF_LIFE, (Map<?, ?>) saved.get("memory")));
        h.first = instant(saved.get("first"));
        h.last = instant(saved.get("last"));
        h.samples = saved.get("samples") instanceof Number n ? n.longValue() : 0;
        h.windowStart = instant(saved.get("windowStart"));
        h.windowPeak = saved.get("windowPeak") instanceof Number n ? n.doubleValue() : -1;
        return h;
    }

    private static Instant instant(Object o) {
        return o == null ? null : Instant.parse(String.valueOf(o));
    }
}
