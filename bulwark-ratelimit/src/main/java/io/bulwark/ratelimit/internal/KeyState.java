package io.bulwark.ratelimit.internal;

/**
 * The immutable state of one key: the latest time it was decided at and one state object
 * per limit (null: never touched). Published by CAS as a whole, so a request's effect on all
 * of its limits appears at once or not at all.
 *
 * @param touched the latest ticker reading applied to this key; time never runs backwards
 *                for a key, so a thread that read the ticker early is clamped to it
 * @param quietAt the ticker reading from which every limit is fully replenished, when
 *                forgetting the key changes no decision
 * @param states  per-limit states, in the order of the config's limits; never written
 */
public record KeyState(long touched, long quietAt, Object[] states) {

    /** The marker of a key removed from the table: a thread that sees it looks the key up again. */
    public static final KeyState EVICTED = new KeyState(Long.MIN_VALUE, Long.MIN_VALUE, new Object[0]);

    /** True when every limit is fully replenished at {@code now}. */
    public boolean quiet(long now) {
        return now - quietAt >= 0;
    }

    /** The state of a key first seen at {@code now}, for {@code limits} limits. */
    public static KeyState fresh(int limits, long now) {
        return new KeyState(now, Long.MIN_VALUE, new Object[limits]);
    }
}
