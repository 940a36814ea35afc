package io.bulwark.scheduler;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a schedule does with ticks it missed: ticks older than its {@code misfireThreshold} when
 * the leader got to them, because the fleet (or its leader) was down across them.
 */
public enum MisfirePolicy {
    /** Fire once for all the missed ticks (at the latest of them); count the rest as misfired. */
    FIRE_ONCE,
    /** Fire none of them; count them as misfired and wait for the next tick. */
    SKIP,
    /** Fire each missed tick, the most recent {@code catchUpLimit} of them; count older ones as misfired. */
    CATCH_UP;

    /** The name used in config and JSON: {@code fire-once}, {@code skip}, {@code catch-up}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The policy named {@code id}; the message lists the allowed names. */
    public static MisfirePolicy parse(String id) {
        for (MisfirePolicy p : values()) {
            if (p.id().equalsIgnoreCase(id == null ? "" : id.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("misfire must be one of "
                + Arrays.stream(values()).map(MisfirePolicy::id).collect(Collectors.joining(", ")) + " but was '" + id + "'");
    }
}
