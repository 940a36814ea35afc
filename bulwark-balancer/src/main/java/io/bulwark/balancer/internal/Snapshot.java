package io.bulwark.balancer.internal;

/**
 * What a pick looks at: the endpoints it may use now and their effective weights, plus data a
 * strategy prepared for exactly this set. Immutable; rebuilt when health, ejections or membership
 * change ({@link #version}) or when time passes a boundary ({@link #validUntil}: an ejection ends or
 * a slow-start step is due).
 */
public final class Snapshot {

    final Membership membership;
    /** Usable slots (all slots in panic mode). */
    public final EndpointSlot[] usable;
    /** Effective weights of {@link #usable}, slow start applied. */
    public final double[] weights;
    /** Usable flags by membership index, for ring walks. */
    public final boolean[] usableByIndex;
    /** Whether too few endpoints were available and all are used. */
    public final boolean panic;
    final long version;
    final long validUntil;
    /** What the strategy prepared for this set (may be null). */
    public final Object prepared;

    Snapshot(Membership membership, EndpointSlot[] usable, double[] weights, boolean[] usableByIndex, boolean panic,
             long version, long validUntil, Object prepared) {
        this.membership = membership;
        this.usable = usable;
        this.weights = weights;
        this.usableByIndex = usableByIndex;
        this.panic = panic;
        this.version = version;
        this.validUntil = validUntil;
        this.prepared = prepared;
    }

    /** Every slot of the membership, by index. */
    public EndpointSlot[] all() {
        return membership.slots;
    }

    /** The ring over the membership (null unless a hashing strategy asked for one). */
    public HashRing ring() {
        return membership.ring;
    }
}
