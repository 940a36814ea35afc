package io.bulwark.balancer.internal.strategy;

import io.bulwark.balancer.internal.EndpointSlot;
import io.bulwark.balancer.internal.Snapshot;

/**
 * One strategy's choice. {@link #pick} returns a slot it has already acquired (one in-flight
 * request taken), or {@code null} when no usable endpoint can take one; it must not block.
 */
public interface Picker {

    /** Whether the balancer must build a {@link io.bulwark.balancer.internal.HashRing} over its endpoints. */
    default boolean needsRing() {
        return false;
    }

    /** Data for picks over exactly this usable set (e.g. a schedule), kept in the snapshot. */
    default Object prepare(EndpointSlot[] usable, double[] weights) {
        return null;
    }

    /** Chooses and acquires a slot for {@code key} (which may be null), or returns null. */
    EndpointSlot pick(Snapshot snapshot, String key);

    /**
     * The first slot from {@code start} on (wrapping) that can take a request; used when the
     * strategy's own choice is at capacity.
     */
    static EndpointSlot scan(EndpointSlot[] usable, int start, boolean capacityAware) {
        int n = usable.length;
        for (int k = 0; k < n; k++) {
            EndpointSlot s = usable[Math.floorMod(start + k, n)];
            if (s.tryAcquire(capacityAware, Integer.MAX_VALUE)) {
                return s;
            }
        }
        return null;
    }

    /** The chosen slot if it can take a request, else the first after it that can. */
    static EndpointSlot acquireOrScan(EndpointSlot[] usable, int index, boolean capacityAware) {
        EndpointSlot s = usable[index];
        return s.tryAcquire(capacityAware, Integer.MAX_VALUE) ? s : scan(usable, index + 1, capacityAware);
    }
}
