package io.bulwark.balancer.internal.strategy;

import io.bulwark.balancer.internal.EndpointSlot;
import io.bulwark.balancer.internal.Snapshot;
import java.util.random.RandomGenerator;

/**
 * Power of two random choices: two distinct usable endpoints at random, the one with the lower
 * cost wins. Least requests costs {@code (inFlight + 1) / weight}; latency-aware costs
 * {@code (ewmaLatency + 1) x (inFlight + 1) / weight} (peak-EWMA style), where errors have already
 * raised the EWMA by their penalty. Two samples avoid the herd that "always the least loaded"
 * causes when many clients see the same stale numbers.
 */
final class PowerOfTwoPicker implements Picker {
    private final RandomGenerator random;
    private final boolean capacityAware;
    private final boolean latencyAware;

    PowerOfTwoPicker(RandomGenerator random, boolean capacityAware, boolean latencyAware) {
        this.random = random;
        this.capacityAware = capacityAware;
        this.latencyAware = latencyAware;
    }

    @Override
    public EndpointSlot pick(Snapshot snapshot, String key) {
        EndpointSlot[] usable = snapshot.usable;
        int n = usable.length;
        if (n == 1) {
            return Picker.acquireOrScan(usable, 0, capacityAware);
        }
        int a = random.nextInt(n);
        int b = random.nextInt(n - 1);
        if (b >= a) {
            b++;
        }
        double[] w = snapshot.weights;
        boolean aFirst = cost(usable[a], w[a]) <= cost(usable[b], w[b]);
        int first = aFirst ? a : b;
        int second = aFirst ? b : a;
        if (usable[first].tryAcquire(capacityAware, Integer.MAX_VALUE)) {
            return usable[first];
        }
        return Picker.acquireOrScan(usable, second, capacityAware);
    }

    private double cost(EndpointSlot s, double weight) {
        double load = s.inFlight() + 1.0;
        return latencyAware ? (s.latencyNanos() + 1.0) * load / weight : load / weight;
    }
}
