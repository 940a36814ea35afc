package io.bulwark.redis.ratelimit.internal;

import io.bulwark.ratelimit.Decision;
import io.bulwark.ratelimit.Limit;
import io.bulwark.ratelimit.LimitUsage;
import io.bulwark.ratelimit.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the driver's reply ({@code all_allowed}, then per limit {@code allowed, remaining, used,
 * reset_us, retry_us, delay_us}) into a {@link Decision} or a {@link Usage}, choosing the limit
 * closest to exhaustion as the local limiter does: on rejection the rejecting limit with the
 * longest wait, otherwise the limit with the smallest share of its capacity remaining (ties: the
 * longest reset).
 */
public final class ReplyReader {

    private static final int FIELDS = 6;

    private ReplyReader() {
    }

    /** The decision the reply carries. */
    public static Decision decision(List<Limit> limits, List<Long> reply) {
        boolean allowed = reply.get(0) == 1L;
        int closest = -1;
        long delay = 0;
        for (int i = 0; i < limits.size(); i++) {
            int at = 1 + i * FIELDS;
            delay = Math.max(delay, reply.get(at + 5));
            boolean competes = allowed || reply.get(at) == 0L; // on rejection, only rejecting limits
            if (competes && (closest < 0 || closer(limits, reply, allowed, i, closest))) {
                closest = i;
            }
        }
        int at = 1 + closest * FIELDS;
        Limit limit = limits.get(closest);
        long remaining = Math.max(0, reply.get(at + 1));
        Duration reset = micros(reply.get(at + 3));
        return allowed
                ? Decision.allow(limit, remaining, reset, micros(delay))
                : Decision.reject(limit, remaining, reset, micros(reply.get(at + 4)));
    }

    /** The usage the reply of a peek carries. */
    public static Usage usage(String limiter, String key, List<Limit> limits, List<Long> reply) {
        List<LimitUsage> out = new ArrayList<>(limits.size());
        for (int i = 0; i < limits.size(); i++) {
            int at = 1 + i * FIELDS;
            Limit limit = limits.get(i);
            long remaining = Math.min(limit.capacity(), Math.max(0, reply.get(at + 1)));
            long used = Math.max(0, reply.get(at + 2));
            out.add(new LimitUsage(limit, used, remaining, micros(reply.get(at + 3))));
        }
        return new Usage(limiter, key, out);
    }

    private static boolean closer(List<Limit> limits, List<Long> reply, boolean allowed, int i, int best) {
        int a = 1 + i * FIELDS;
        int b = 1 + best * FIELDS;
        if (!allowed) {
            return reply.get(a + 4) > reply.get(b + 4);
        }
        // shares as doubles, as the local limiter compares them: a choice of what to report only
        double left = (double) Math.max(0, reply.get(a + 1)) / limits.get(i).capacity();
        double right = (double) Math.max(0, reply.get(b + 1)) / limits.get(best).capacity();
        return left < right || (left == right && reply.get(a + 3) > reply.get(b + 3));
    }

    private static Duration micros(long value) {
        return Duration.ofNanos(Math.multiplyExact(Math.max(0, value), 1000L));
    }
}
