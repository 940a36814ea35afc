package io.bulwark.balancer.internal.strategy;

import io.bulwark.balancer.internal.EndpointSlot;
import io.bulwark.balancer.internal.Snapshot;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Smooth weighted round robin (nginx): weights {5, 1, 1} give a a b a c a a, never five a in a row.
 *
 * <p>Design notes: nginx runs its algorithm under a lock on every pick. Here the sequence it would
 * produce for the current effective weights is computed once per snapshot into an immutable
 * schedule, and a pick is one atomic increment and an array read. Weights are made integers (tenths
 * while slow start ramps), divided by their gcd, and scaled down when their sum exceeds
 * {@value #MAX_SCHEDULE}, at the cost of some precision for extreme weight ratios.
 */
final class SmoothWeightedPicker implements Picker {
    static final int MAX_SCHEDULE = 4096;

    private final AtomicLong next = new AtomicLong();
    private final boolean capacityAware;

    SmoothWeightedPicker(boolean capacityAware) {
        this.capacityAware = capacityAware;
    }

    @Override
    public Object prepare(EndpointSlot[] usable, double[] weights) {
        return schedule(weights);
    }

    @Override
    public EndpointSlot pick(Snapshot snapshot, String key) {
        int[] schedule = (int[]) snapshot.prepared;
        int i = schedule[(int) Math.floorMod(next.getAndIncrement(), (long) schedule.length)];
        return Picker.acquireOrScan(snapshot.usable, i, capacityAware);
    }

    /** The nginx smooth weighted sequence of indexes for {@code weights}, one full cycle. */
    static int[] schedule(double[] weights) {
        int n = weights.length;
        boolean integral = true;
        for (double w : weights) {
            integral &= w == Math.rint(w);
        }
        long[] w = new long[n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            w[i] = Math.max(1, Math.round(integral ? weights[i] : weights[i] * 10));
            sum += w[i];
        }
        long g = 0;
        for (long x : w) {
            g = gcd(g, x);
        }
        sum = 0;
        for (int i = 0; i < n; i++) {
            w[i] /= g;
            sum += w[i];
        }
        if (sum > MAX_SCHEDULE) {
            double scale = (double) MAX_SCHEDULE / sum;
            sum = 0;
            for (int i = 0; i < n; i++) {
                w[i] = Math.max(1, Math.round(w[i] * scale));
                sum += w[i];
            }
        }
        int[] out = new int[(int) sum];
        long[] current = new long[n];
        for (int k = 0; k < out.length; k++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += w[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= sum;
            out[k] = best;
        }
        return out;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
