package io.bulwark.scheduler;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a tick does when the schedule's previous run is still going. */
public enum OverlapPolicy {
    /** Fire anyway: runs may overlap. */
    ALLOW,
    /** Do not fire; the tick is recorded as skipped. */
    SKIP,
    /**
     * Hold the firing until the previous run ends, then fire it. One firing waits at most; a tick
     * that comes while one already waits is skipped.
     */
    QUEUE;

    /** The name used in config and JSON. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy named {@code id}; the message lists the allowed names. */
    public static OverlapPolicy parse(String id) {
        for (OverlapPolicy p : values()) {
            if (p.id().equalsIgnoreCase(id == null ? "" : id.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("overlap must be one of "
                + Arrays.stream(values()).map(OverlapPolicy::id).collect(Collectors.joining(", ")) + " but was '" + id + "'");
    }
}
