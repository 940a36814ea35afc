package io.bulwark.redis.ratelimit.internal;

import io.bulwark.ratelimit.Algorithm;
import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.RateLimitConfig;
import java.util.List;

/**
 * What one config sends to Redis: the key names of a request key and the script arguments,
 * computed once per config so that a decision only formats the request key and the cost.
 *
 * <p>Keys: {@code <prefix>{<limiter>:<key>}:<algorithm>:<permits>:<window_us>:<burst>} and the
 * same with {@code :log}. The braces make every key of one decision share a hash slot (a Redis
 * Cluster requirement for a multi-key script); the limit's figures in the name mean a changed
 * limit starts from fresh state instead of misreading the old one.
 */
public final class ScriptPlan {

    /** Doubles in Redis' Lua hold integers exactly below 2^53; sums of a few amounts must stay below it. */
    static final long MAX_EXACT = 1L << 50;

    private final LimiterScript script;
    private final String prefix;
    private final String[] suffixes;
    private final String[] staticArgs;
    private final int limits;

    private ScriptPlan(LimiterScript script, String prefix, String[] suffixes, String[] staticArgs) {
        this.script = script;
        this.prefix = prefix;
        this.suffixes = suffixes;
        this.staticArgs = staticArgs;
        this.limits = suffixes.length / 2;
    }

    /**
     * The plan of {@code config} under {@code keyPrefix}.
     *
     * @throws IllegalArgumentException when a limit cannot be computed exactly in Redis' Lua
     *         (a window that is not whole microseconds, or figures too large), naming the limiter and limit
     */
    public static ScriptPlan of(RateLimitConfig config, String keyPrefix) {
        List<Limit> list = config.limits();
        String[] suffixes = new String[list.size() * 2];
        String[] args = new String[3 + list.size() * 6];
        for (int i = 0; i < list.size(); i++) {
            Limit l = list.get(i);
            long windowNanos = l.windowNanos();
            if (windowNanos % 1000 != 0) {
                throw new IllegalArgumentException("window of limit " + l + " of rate limiter '" + config.name()
                        + "' must be a whole number of microseconds for Redis but was " + windowNanos + "ns");
            }
            long windowMicros = windowNanos / 1000;
            long maxDelayMicros = l.maxDelay().toNanos() / 1000;
            long tick = tick(config, l, windowMicros, maxDelayMicros);
            String base = ":" + l.algorithm().id() + ":" + l.permits() + ":" + windowMicros + ":" + l.burst();
            suffixes[2 * i] = base;
            suffixes[2 * i + 1] = base + ":log";
            int a = 3 + i * 6;
            args[a] = Integer.toString(LimiterScripts.code(l.algorithm()));
            args[a + 1] = Long.toString(l.permits());
            args[a + 2] = Long.toString(windowMicros);
            args[a + 3] = Long.toString(l.burst());
            args[a + 4] = Long.toString(maxDelayMicros);
            args[a + 5] = Long.toString(tick);
        }
        args[2] = Integer.toString(list.size());
        return new ScriptPlan(LimiterScripts.forLimits(list), keyPrefix + "{" + config.name() + ":", suffixes, args);
    }

    /** The key names for {@code key}. */
    public String[] keys(String key) {
        String tagged = prefix + key + "}";
        String[] keys = new String[suffixes.length];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = tagged + suffixes[i];
        }
        return keys;
    }

    /** The arguments of an acquisition of {@code cost}, or of a peek when {@code cost} is 0. */
    public String[] args(long cost) {
        String[] args = staticArgs.clone();
        args[0] = cost > 0 ? "1" : "0";
        args[1] = Long.toString(cost);
        return args;
    }

    /** The composed script. */
    public LimiterScript script() {
        return script;
    }

    /** The number of limits. */
    public int limits() {
        return limits;
    }

    /**
     * The tick, in microseconds, of a limit's arithmetic: the smallest power of ten dividing the
     * window that keeps {@code max(permits, burst) * window} and {@code maxDelay * permits},
     * counted in ticks, at most {@link #MAX_EXACT} (as the local limiter picks its resolution in
     * nanoseconds). Flooring time to a tick only makes a limit stricter by less than one tick.
     */
    static long tick(RateLimitConfig config, Limit l, long windowMicros, long maxDelayMicros) {
        if (!l.algorithm().bucket() && l.algorithm() != Algorithm.SLIDING_COUNTER) {
            return 1; // fixed window and sliding log only count permits
        }
        long largest = Math.max(l.permits(), l.burst());
        for (long tick = 1; tick <= 1_000_000 && tick <= windowMicros && windowMicros % tick == 0; tick *= 10) {
            if (largest <= MAX_EXACT / (windowMicros / tick) && maxDelayMicros / tick <= MAX_EXACT / l.permits()) {
                return tick;
            }
        }
        throw new IllegalArgumentException("limit " + l + " of rate limiter '" + config.name()
                + "' is out of range for Redis: max(permits, burst) x window and maxDelay x permits must each be"
                + " at most " + MAX_EXACT + " at a resolution dividing the window (1us to 1s); use a coarser unit"
                + " of cost, a shorter maxDelay or a whole number of seconds");
    }
}
