package io.bulwark.ratelimit.internal;

/**
 * The immutable state of one key: the latest time it was decided at, when it will be fully
 * replenished, and one state object per limit. Published by CAS as a whole, so a request's
 * effect on all of its limits appears at once or not at all.
 *
 * <p>With one limit (the common case) the limit's state is held directly; with several, in an
 * array that is never written after construction. Either way a null limit state means "never
 * touched".
 *
 * @param touched the latest ticker reading applied to this key; time never runs backwards
 *                for a key, so a thread that read the ticker early is clamped to it
 * @param quietAt the ticker reading from which every limit is fully replenished, when
 *                forgetting the key changes no decision
 * @param states  the single limit's state, or an {@code Object[]} of them
 */
public record KeyState(long touched, long quietAt, Object states) {

    /** The marker of a key removed from the table: a thread that sees it looks the key up again. */
    public static final KeyState EVICTED = new KeyState(Long.MIN_VALUE, Long.MIN_VALUE, null);

    /** A state for one limit ({@code states} is that limit's state) or several ({@code Object[]}). */
    public static KeyState of(long touched, long quietAt, Object states) {
        return new KeyState(touched, quietAt, states);
    }

    /** The state of limit {@code i}. */
    public Object state(int i) {
        return states instanceof Object[] all ? all[i] : states;
    }

    /** True when every limit is fully replenished at {@code now}. */
    public boolean quiet(long now) {
        return now - quietAt >= 0;
    }

    /** The state of a key first seen at {@code now}, for {@code limits} limits. */
    public static KeyState fresh(int limits, long now) {
        return new KeyState(now, Long.MIN_VALUE, limits == 1 ? null : new Object[limits]);
    }
}
