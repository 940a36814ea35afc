package io.bulwark.balancer.internal;

import java.util.Arrays;

/**
 * A consistent-hash ring: {@code virtualNodes x weight} points per endpoint, placed by a 64-bit hash
 * of {@code id#n}, sorted. A key goes to the first point at or after its hash, wrapping around.
 * Because points depend only on an endpoint's id, adding one endpoint moves only the keys that now
 * land on its points: about {@code 1/N} of them.
 *
 * <p>Design notes. A point is one {@code long}: the top {@link #HASH_BITS} bits of its hash and,
 * in the low {@link #OWNER_BITS}, the index of its endpoint, so that a lookup reads one array, not
 * a hash array and an owner array side by side (one cache miss fewer on a 600 KB ring). Points and
 * keys are compared on those 40 bits, a precision that does not depend on the membership: a key
 * whose hash shares its top 40 bits with a point's goes to that point (about one key in 15
 * million at 75,000 points), the same way on every node and before and after any update.
 */
public final class HashRing {

    /** The hash bits a point keeps. */
    static final int HASH_BITS = 40;
    /** The bits for the endpoint index: at most 2^24 endpoints. */
    static final int OWNER_BITS = 64 - HASH_BITS;
    private static final long OWNER_MASK = (1L << OWNER_BITS) - 1;

    /** Each point's truncated hash and owner, sorted (by hash, then owner). */
    private final long[] points;
    /**
     * Where each bucket of the hash space starts: bucket {@code b} holds the points whose top
     * {@link #bits} bits (of the hash read unsigned, in the signed order the points are sorted by)
     * are {@code b}, at positions {@code bucketStart[b]} to {@code bucketStart[b + 1]}. A lookup
     * searches only its bucket, about one point, instead of the whole ring: with 300 endpoints and
     * their virtual nodes that is a few cache lines instead of seventeen steps over 600 KB.
     */
    private final int[] bucketStart;
    private final int bits;

    HashRing(EndpointSlot[] slots, int virtualNodes) {
        if (slots.length > OWNER_MASK + 1) {
            throw new IllegalArgumentException("a hash ring holds at most " + (OWNER_MASK + 1)
                    + " endpoints but was given " + slots.length);
        }
        int total = 0;
        for (EndpointSlot s : slots) {
            total += virtualNodes * s.endpoint().weight();
        }
        long[] packed = new long[total];
        int p = 0;
        for (int i = 0; i < slots.length; i++) {
            String id = slots[i].endpoint().id();
            int points = virtualNodes * slots[i].endpoint().weight();
            for (int v = 0; v < points; v++) {
                packed[p++] = truncated(hash(id + "#" + v)) | i;
            }
        }
        Arrays.sort(packed);
        this.points = packed;
        this.bits = Math.clamp(31 - Integer.numberOfLeadingZeros(Math.max(1, total)), 1, 20);
        this.bucketStart = new int[(1 << bits) + 1];
        int k = 0;
        for (int b = 0; b < bucketStart.length; b++) {
            while (k < total && bucket(points[k]) < b) {
                k++;
            }
            bucketStart[b] = k;
        }
    }

    /** {@code h} without the bits a point does not keep (a floor: the signed order is kept). */
    private static long truncated(long h) {
        return h & ~OWNER_MASK;
    }

    /** The bucket of {@code h}: its top bits, with the sign flipped so that buckets follow the signed order. */
    private int bucket(long h) {
        return (int) ((h ^ Long.MIN_VALUE) >>> (64 - bits));
    }

    /** The points' truncated hashes, sorted, for tests. */
    long[] hashesForTest() {
        long[] hashes = new long[points.length];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = truncated(points[i]);
        }
        return hashes;
    }

    /** How many points the ring has. */
    public int size() {
        return points.length;
    }

    /** The position of the first point at or after {@code keyHash} (compared on their top 40 bits). */
    public int positionOf(long keyHash) {
        long probe = truncated(keyHash); // owner 0: before every point with the same truncated hash
        int b = bucket(probe);
        int i = Arrays.binarySearch(points, bucketStart[b], bucketStart[b + 1], probe);
        if (i < 0) {
            i = -i - 1;
        }
        return i == points.length ? 0 : i;
    }

    /** The membership index owning the point at {@code position} (taken modulo the size). */
    public int ownerAt(int position) {
        int n = points.length;
        int i = position >= 0 && position < n ? position // a walk from a lookup: no division
                : position >= n && position - n < n ? position - n : Math.floorMod(position, n);
        return (int) (points[i] & OWNER_MASK);
    }

    /**
     * A well-mixed 64-bit hash of {@code key}: {@link String#hashCode()} (which the JDK computes
     * with vector instructions, and caches in the string), spread by a golden-ratio multiply and
     * the murmur3 finaliser. Keys whose 32-bit hash codes collide go to the same endpoint, which
     * costs nothing but balance, at one pair in four billion.
     */
    public static long hash(String key) {
        long h = key.hashCode() * 0x9E3779B97F4A7C15L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
