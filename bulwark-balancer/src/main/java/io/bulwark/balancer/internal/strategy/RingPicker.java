package io.bulwark.balancer.internal.strategy;

import io.bulwark.balancer.internal.EndpointSlot;
import io.bulwark.balancer.internal.HashRing;
import io.bulwark.balancer.internal.Snapshot;
import java.util.function.IntSupplier;
import java.util.random.RandomGenerator;

/**
 * Consistent hashing over a ring of virtual nodes, optionally with bounded load (Mirrokni et al.):
 * walking clockwise from the key's point, skip endpoints that are not usable, and, when bounded,
 * those already at {@code ceil(factor x (total in flight + 1) / usable)}. The acquire itself checks
 * the bound, so concurrent picks cannot push one endpoint past it; the group total is read only
 * for an endpoint that already has requests in flight (an idle one is under any bound). A missing key hashes a random
 * number.
 */
final class RingPicker implements Picker {
    private final RandomGenerator random;
    private final boolean capacityAware;
    private final double boundFactor;
    private final IntSupplier totalInFlight;

    /** {@code boundFactor <= 0} means no load bound (IP hash). */
    RingPicker(RandomGenerator random, boolean capacityAware, double boundFactor, IntSupplier totalInFlight) {
        this.random = random;
        this.capacityAware = capacityAware;
        this.boundFactor = boundFactor;
        this.totalInFlight = totalInFlight;
    }

    @Override
    public boolean needsRing() {
        return true;
    }

    @Override
    public EndpointSlot pick(Snapshot snapshot, String key) {
        HashRing ring = snapshot.ring();
        long h = key == null ? random.nextLong() : HashRing.hash(key);
        int start = ring.positionOf(h);
        EndpointSlot[] all = snapshot.all();
        boolean[] usable = snapshot.usableByIndex;
        for (int k = 0, size = ring.size(); k < size; k++) {
            int owner = ring.ownerAt(start + k);
            if (usable[owner] && acquire(all[owner], snapshot.usable.length)) {
                return all[owner];
            }
        }
        return Picker.scan(snapshot.usable, 0, capacityAware);
    }

    /**
     * Takes a slot of {@code slot} if it is under the load bound. The bound,
     * {@code ceil(factor x (total + 1) / usable)}, is at least 1 (the factor is at least 1), so an
     * endpoint with nothing in flight is always under it: the group total is read and the bound
     * computed only for an endpoint already busy (or when the idle one was taken meanwhile).
     */
    private boolean acquire(EndpointSlot slot, int usableCount) {
        if (boundFactor <= 0) {
            return slot.tryAcquire(capacityAware, Integer.MAX_VALUE);
        }
        if (slot.inFlight() == 0 && slot.tryAcquire(capacityAware, 1)) {
            return true;
        }
        int limit = (int) Math.ceil(boundFactor * (totalInFlight.getAsInt() + 1) / usableCount);
        return slot.tryAcquire(capacityAware, limit);
    }
}
