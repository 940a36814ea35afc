package io.bulwark.redis.ratelimit.internal;

import io.bulwark.ratelimit.Algorithm;
import io.bulwark.ratelimit.Limit;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Lua scripts, one per algorithm (the three buckets share one, as they share one engine
 * locally), composed per config: the prelude (helpers, server time), the script of each
 * algorithm the config uses, then the two-phase driver. A config of one algorithm runs exactly
 * that algorithm's script; a config that mixes algorithms runs them together, still in one
 * atomic call.
 */
public final class LimiterScripts {

    private static final String BASE = "/io/bulwark/redis/ratelimit/lua/";
    private static final Map<EnumSet<Algorithm>, LimiterScript> CACHE = new ConcurrentHashMap<>();

    private LimiterScripts() {
    }

    /** The script for the algorithms of {@code limits}. */
    public static LimiterScript forLimits(List<Limit> limits) {
        EnumSet<Algorithm> used = EnumSet.noneOf(Algorithm.class);
        limits.forEach(l -> used.add(l.algorithm()));
        LimiterScript script = CACHE.get(used);
        if (script == null) {
            // composed outside computeIfAbsent: reading resources must not run under a map lock
            script = new LimiterScript(compose(used));
            LimiterScript raced = CACHE.putIfAbsent(used, script);
            script = raced == null ? script : raced;
        }
        return script;
    }

    /** The algorithm's code in the scripts' calling convention. */
    public static int code(Algorithm algorithm) {
        return switch (algorithm) {
            case TOKEN_BUCKET -> 1;
            case LEAKY_BUCKET -> 2;
            case LEAKY_BUCKET_PACING -> 3;
            case FIXED_WINDOW -> 4;
            case SLIDING_LOG -> 5;
            case SLIDING_COUNTER -> 6;
        };
    }

    static String compose(EnumSet<Algorithm> algorithms) {
        StringBuilder lua = new StringBuilder(read("prelude.lua"));
        EnumSet<Algorithm> done = EnumSet.noneOf(Algorithm.class);
        for (Algorithm a : algorithms) {
            if (done.contains(a)) {
                continue;
            }
            // the three buckets share one script (one arithmetic, as in the local limiter)
            if (a.bucket()) {
                done.addAll(EnumSet.of(Algorithm.TOKEN_BUCKET, Algorithm.LEAKY_BUCKET, Algorithm.LEAKY_BUCKET_PACING));
            } else {
                done.add(a);
            }
            lua.append('\n').append(read(file(a)));
        }
        return lua.append('\n').append(read("driver.lua")).toString();
    }

    private static String file(Algorithm a) {
        return switch (a) {
            case TOKEN_BUCKET, LEAKY_BUCKET, LEAKY_BUCKET_PACING -> "bucket.lua";
            default -> a.id() + ".lua";
        };
    }

    private static String read(String name) {
        try (InputStream in = LimiterScripts.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("Lua script " + BASE + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
