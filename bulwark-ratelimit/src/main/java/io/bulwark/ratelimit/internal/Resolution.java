package io.bulwark.ratelimit.internal;

/**
 * The time resolution a limit's exact integer arithmetic runs at.
 *
 * <h2>Design notes</h2>
 * The bucket and sliding-counter engines multiply permits by the window; in nanoseconds,
 * {@code 100000/1d} is already {@code 8.6e18}, at the edge of a long. So each limit runs on
 * ticks of {@code r} nanoseconds: the smallest power of ten that divides the window and keeps
 * {@code max(permits, burst) * window / r <= MAX_PRODUCT} (a factor 4 of headroom for sums).
 * Time is floored to whole ticks, which only ever makes a limit stricter by less than one
 * tick (a microsecond for {@code 100000/1d}); waits are converted back to exact nanoseconds
 * of the ticker. Windows of 1ms and longer always find a resolution up to 1ms.
 */
public final class Resolution {

    /** The largest permits x window-in-ticks product an engine accepts. */
    public static final long MAX_PRODUCT = Long.MAX_VALUE / 4;

    private Resolution() {
    }

    /** The tick length in nanoseconds for {@code permits} per {@code windowNanos}, or -1 if none fits. */
    public static long of(long permits, long windowNanos) {
        for (long r = 1; r <= 1_000_000_000L && r <= windowNanos; r *= 10) {
            if (windowNanos % r != 0) {
                return -1;
            }
            if (permits <= MAX_PRODUCT / (windowNanos / r)) {
                return r;
            }
        }
        return -1;
    }
}
