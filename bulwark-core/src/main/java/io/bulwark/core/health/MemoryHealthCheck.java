package io.bulwark.core.health;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Heap use against the heap's maximum: DEGRADED above {@code warnPercent}. It never fails
 * readiness: a full heap is a reason to look, and the GC or the OOM killer acts on its own.
 */
public final class MemoryHealthCheck implements HealthCheck {

    private final int warnPercent;
    private final Supplier<MemoryUsage> heap;

    public MemoryHealthCheck(int warnPercent) {
        this(warnPercent, () -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage());
    }

    /** For tests: reads heap usage from {@code heap}. */
    public MemoryHealthCheck(int warnPercent, Supplier<MemoryUsage> heap) {
        if (warnPercent < 1 || warnPercent > 100) {
            throw new IllegalArgumentException("warnPercent must be from 1 to 100 but was " + warnPercent);
        }
        this.warnPercent = warnPercent;
        this.heap = heap;
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public boolean readiness() {
        return false;
    }

    @Override
    public HealthResult check() {
        MemoryUsage usage = heap.get();
        long max = usage.getMax() > 0 ? usage.getMax() : usage.getCommitted();
        double percent = max == 0 ? 0 : 100.0 * usage.getUsed() / max;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("heapUsedBytes", usage.getUsed());
        details.put("heapMaxBytes", max);
        details.put("heapUsedPercent", Math.round(percent * 10) / 10.0);
        details.put("warnPercent", warnPercent);
        return percent > warnPercent ? HealthResult.degraded(details) : HealthResult.up(details);
    }
}
