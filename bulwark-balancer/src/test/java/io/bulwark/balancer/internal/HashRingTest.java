package io.bulwark.balancer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.balancer.Endpoint;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HashRingTest {

    /**
     * The position by a search of the whole ring: the first point whose kept hash bits are at or
     * after the key's (a lower bound, so that points sharing those bits are found from the first).
     */
    private static int wholeRingPosition(long[] hashes, long keyHash) {
        long probe = keyHash & -(1L << HashRing.OWNER_BITS);
        int lo = 0;
        int hi = hashes.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (hashes[mid] < probe) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == hashes.length ? 0 : lo;
    }

    private static HashRing ring(int endpoints, int virtualNodes) {
        EndpointSlot[] slots = new EndpointSlot[endpoints];
        for (int i = 0; i < endpoints; i++) {
            slots[i] = new EndpointSlot(Endpoint.builder("http://10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080").weight(1 + i % 4).build(), 0);
        }
        return new HashRing(slots, virtualNodes);
    }

    @Test
    void theBucketedLookupFindsTheSamePointAsASearchOfTheWholeRing() {
        SplittableRandom random = new SplittableRandom(7);
        for (int[] shape : new int[][] {{1, 1}, {2, 1}, {3, 100}, {30, 100}, {300, 100}, {7, 3}}) {
            HashRing ring = ring(shape[0], shape[1]);
            long[] hashes = ring.hashesForTest();
            assertThat(hashes).isSorted();
            long[] probes = new long[20_000 + 6 * hashes.length];
            int n = 0;
            for (int i = 0; i < 20_000; i++) {
                probes[n++] = random.nextLong();
            }
            for (long h : hashes) { // each point, and its neighbours: the edges of every bucket's search
                probes[n++] = h;
                probes[n++] = h - 1;
                probes[n++] = h + 1;
                probes[n++] = h ^ Long.MIN_VALUE;
                probes[n++] = h & 0xffff_0000_0000_0000L;
                probes[n++] = h | 0x0000_ffff_ffff_ffffL;
            }
            long[] edges = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, Long.MAX_VALUE - 1, Long.MAX_VALUE};
            for (long h : probes) {
                assertThat(ring.positionOf(h)).as("hash %d on %s", h, Arrays.toString(shape)).isEqualTo(wholeRingPosition(hashes, h));
            }
            for (long h : edges) {
                assertThat(ring.positionOf(h)).as("hash %d on %s", h, Arrays.toString(shape)).isEqualTo(wholeRingPosition(hashes, h));
            }
        }
    }

    @Test
    void eachPointBelongsToTheEndpointWhoseIdPlacedIt() {
        EndpointSlot[] slots = new EndpointSlot[300];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new EndpointSlot(Endpoint.builder("http://10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080")
                    .weight(1 + i % 4).build(), 0);
        }
        HashRing ring = new HashRing(slots, 100);
        int checked = 0;
        for (int i = 0; i < slots.length; i++) {
            for (int v = 0; v < 100 * slots[i].endpoint().weight(); v += 7) {
                long h = HashRing.hash(slots[i].endpoint().id() + "#" + v);
                int position = ring.positionOf(h);
                if (ring.ownerAt(position) != i) { // only when another endpoint's point shares the kept bits
                    assertThat(ring.hashesForTest()[position]).isEqualTo(h & -(1L << HashRing.OWNER_BITS));
                } else {
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(10_000);
    }
}
