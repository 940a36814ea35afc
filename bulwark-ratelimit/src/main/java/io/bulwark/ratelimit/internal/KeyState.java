package io.bulwark.ratelimit.internal;

/**
 * The immutable state of one key: the latest time it was decided at, when it will be fully
 * replenished, and each limit's state. Published by CAS as a whole, so a request's effect on
 * all of its limits appears at once or not at all.
 *
 * <h2>Design notes</h2>
 * With one limit (the common case) the limit's own state object <em>is</em> the key state
 * (each engine's state extends {@link Single}), which saves an allocation on every admission;
 * with several, a {@code Multi} holds them in an array that is never written after
 * construction. A null limit state means "never touched".
 */
public abstract class KeyState {

    /** The marker of a key removed from the table: a thread that sees it looks the key up again. */
    public static final KeyState EVICTED = new Empty(Long.MIN_VALUE, Long.MIN_VALUE);

    private final long touched;
    private final long quietAt;

    /**
     * @param touched the latest ticker reading applied to this key; time never runs backwards
     *                for a key, so a thread that read the ticker early is clamped to it
     * @param quietAt the ticker reading from which every limit is fully replenished, when
     *                forgetting the key changes no decision
     */
    KeyState(long touched, long quietAt) {
        this.touched = touched;
        this.quietAt = quietAt;
    }

    /** The latest ticker reading applied to this key. */
    public final long touched() {
        return touched;
    }

    /** The ticker reading from which every limit is fully replenished. */
    public final long quietAt() {
        return quietAt;
    }

    /** True when every limit is fully replenished at {@code now}. */
    public final boolean quiet(long now) {
        // MIN_VALUE marks "nothing to replenish" and must not overflow the subtraction
        return quietAt == Long.MIN_VALUE || now - quietAt >= 0;
    }

    /** The state of limit {@code i}, or null when it was never touched. */
    public abstract Object state(int i);

    /** The key state for several limits. */
    public static KeyState of(long touched, long quietAt, Object[] states) {
        return new Multi(touched, quietAt, states);
    }

    /** The state of a key first seen at {@code now}, for {@code limits} limits. */
    public static KeyState fresh(int limits, long now) {
        return limits == 1 ? new Empty(now, Long.MIN_VALUE) : new Multi(now, Long.MIN_VALUE, new Object[limits]);
    }

    /** An engine's state that is also the whole key state when its limit is the only one. */
    public abstract static class Single extends KeyState {

        Single(long touched, long quietAt) {
            super(touched, quietAt);
        }

        @Override
        public final Object state(int i) {
            return this;
        }
    }

    private static final class Empty extends KeyState {
        Empty(long touched, long quietAt) {
            super(touched, quietAt);
        }

        @Override
        public Object state(int i) {
            return null;
        }
    }

    private static final class Multi extends KeyState {
        private final Object[] states;

        Multi(long touched, long quietAt, Object[] states) {
            super(touched, quietAt);
            this.states = states;
        }

        @Override
        public Object state(int i) {
            return states[i];
        }
    }
}
