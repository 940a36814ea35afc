package io.bulwark.test.ratelimit;

import io.bulwark.ratelimit.Limit;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The simplest exact implementation of every algorithm's promise, for one key: what the real
 * limiters (local, Redis) are checked against, decision by decision, with a settable clock.
 * Written for obviousness, not speed: arbitrary-precision numbers, a full log of admissions,
 * no shortcuts.
 *
 * <pre>{@code
 * ReferenceLimiter model = new ReferenceLimiter(List.of(Limit.parse("10/1s")));
 * ReferenceLimiter.Step step = model.tryAcquire(nowNanos, 1);
 * assertThat(real.tryAcquire("k").allowed()).isEqualTo(step.allowed());
 * }</pre>
 *
 * <p>Several limits are all-or-nothing: the request is admitted only when each would admit
 * it, and then recorded by each.
 */
public final class ReferenceLimiter {

    /** The outcome of one request: admitted or not, and how long a pacing limit makes it wait. */
    public record Step(boolean allowed, long delayNanos) {
    }

    private final List<Model> models = new ArrayList<>();

    /** A model of the given limits. */
    public ReferenceLimiter(List<Limit> limits) {
        limits.forEach(l -> models.add(new Model(l)));
    }

    /** Decides {@code cost} at {@code now} (which must not go backwards). */
    public Step tryAcquire(long now, long cost) {
        long delay = 0;
        for (Model m : models) {
            long d = m.delayIfAdmitted(now, cost);
            if (d < 0) {
                return new Step(false, 0);
            }
            delay = Math.max(delay, d);
        }
        models.forEach(m -> m.admit(now, cost));
        return new Step(true, delay);
    }

    /** One limit's model: the admissions log, from which every algorithm's state is derived. */
    private static final class Model {
        private final Limit limit;
        private final List<Admission> log = new ArrayList<>();
        private final BigInteger w;
        private final BigInteger p;
        // bucket state: tokens scaled by W (one permit = W), as of the last admission
        private BigInteger tokens;
        private long last;

        Model(Limit limit) {
            this.limit = limit;
            this.w = BigInteger.valueOf(limit.windowNanos());
            this.p = BigInteger.valueOf(limit.permits());
            this.tokens = BigInteger.valueOf(limit.burst()).multiply(w);
        }

        /** The delay the request would get (0 when it passes at once), or -1 when rejected. */
        long delayIfAdmitted(long now, long cost) {
            BigInteger need = BigInteger.valueOf(cost).multiply(w);
            return switch (limit.algorithm()) {
                case TOKEN_BUCKET, LEAKY_BUCKET -> tokensAt(now).compareTo(need) >= 0 ? 0 : -1;
                case LEAKY_BUCKET_PACING -> {
                    BigInteger deficit = need.subtract(tokensAt(now));
                    if (deficit.signum() <= 0) {
                        yield 0;
                    }
                    // the deficit refills at P units per nanosecond
                    BigInteger[] qr = deficit.divideAndRemainder(p);
                    long delay = qr[0].longValueExact() + (qr[1].signum() > 0 ? 1 : 0);
                    yield delay <= limit.maxDelay().toNanos() ? delay : -1;
                }
                case FIXED_WINDOW -> inWindow(Math.floorDiv(now, limit.windowNanos())) + cost <= limit.permits() ? 0 : -1;
                case SLIDING_LOG -> log.stream().filter(a -> now - a.nanos() < limit.windowNanos())
                        .mapToLong(Admission::cost).sum() + cost <= limit.permits() ? 0 : -1;
                case SLIDING_COUNTER -> {
                    long index = Math.floorDiv(now, limit.windowNanos());
                    long offset = Math.floorMod(now, limit.windowNanos());
                    // previous * (W - offset) / W + current + cost <= permits, multiplied by W
                    BigInteger estimate = BigInteger.valueOf(inWindow(index - 1)).multiply(w.subtract(BigInteger.valueOf(offset)))
                            .add(BigInteger.valueOf(inWindow(index) + cost).multiply(w));
                    yield estimate.compareTo(p.multiply(w)) <= 0 ? 0 : -1;
                }
            };
        }

        void admit(long now, long cost) {
            tokens = tokensAt(now).subtract(BigInteger.valueOf(cost).multiply(w));
            last = now;
            log.add(new Admission(now, cost));
        }

        /** Tokens (scaled by W) at {@code now}: refilled at P per nanosecond, capped at the burst. */
        private BigInteger tokensAt(long now) {
            if (log.isEmpty()) {
                return tokens;
            }
            BigInteger refilled = tokens.add(BigInteger.valueOf(now - last).multiply(p));
            return refilled.min(BigInteger.valueOf(limit.burst()).multiply(w));
        }

        private long inWindow(long index) {
            return log.stream().filter(a -> Math.floorDiv(a.nanos(), limit.windowNanos()) == index)
                    .mapToLong(Admission::cost).sum();
        }
    }
}
