package io.bulwark.balancer.internal.strategy;

import io.bulwark.balancer.internal.EndpointSlot;
import io.bulwark.balancer.internal.Snapshot;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/** Random in proportion to effective weight: a binary search over prefix sums prepared per snapshot. */
final class RandomPicker implements Picker {
    private final RandomGenerator random;
    private final boolean capacityAware;

    RandomPicker(RandomGenerator random, boolean capacityAware) {
        this.random = random;
        this.capacityAware = capacityAware;
    }

    @Override
    public Object prepare(EndpointSlot[] usable, double[] weights) {
        double[] prefix = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            prefix[i] = sum;
        }
        return prefix;
    }

    @Override
    public EndpointSlot pick(Snapshot snapshot, String key) {
        double[] prefix = (double[]) snapshot.prepared;
        double r = random.nextDouble() * prefix[prefix.length - 1];
        int i = Arrays.binarySearch(prefix, r);
        i = i < 0 ? -i - 1 : i + 1;
        return Picker.acquireOrScan(snapshot.usable, Math.min(i, prefix.length - 1), capacityAware);
    }
}
