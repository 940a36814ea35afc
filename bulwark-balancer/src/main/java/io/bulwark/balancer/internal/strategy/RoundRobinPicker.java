package io.bulwark.balancer.internal.strategy;

import io.bulwark.balancer.internal.EndpointSlot;
import io.bulwark.balancer.internal.Snapshot;
import java.util.concurrent.atomic.AtomicLong;

/** Each usable endpoint in turn; a shared counter is the only state. */
final class RoundRobinPicker implements Picker {
    private final AtomicLong next = new AtomicLong();
    private final boolean capacityAware;

    RoundRobinPicker(boolean capacityAware) {
        this.capacityAware = capacityAware;
    }

    @Override
    public EndpointSlot pick(Snapshot snapshot, String key) {
        EndpointSlot[] usable = snapshot.usable;
        int i = (int) Math.floorMod(next.getAndIncrement(), (long) usable.length);
        return Picker.acquireOrScan(usable, i, capacityAware);
    }
}
