package io.bulwark.test.ratelimit;

import io.bulwark.ratelimit.Limit;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks a log of admissions against what a {@link Limit} promises, independently of how
 * the limiter decided: usable for a local limiter driven by a settable clock and for a
 * distributed one whose admissions were gathered from many threads and processes.
 *
 * <pre>{@code
 * assertThat(LimitPromises.violations(limit, admitted)).isEmpty();
 * }</pre>
 */
public final class LimitPromises {

    private LimitPromises() {
    }

    /**
     * Every broken promise, described; empty when the log keeps the promise:
     * <ul>
     *   <li>buckets (token, leaky, pacing, with admissions at the time each proceeds): over
     *       every interval {@code [t_i, t_j]}, admitted cost {@code <= burst + permits * (t_j - t_i) / window}
     *       (pacing: {@code t_j - t_i + 1ns}, since delays are rounded up to whole nanoseconds);</li>
     *   <li>sliding log: at most {@code permits} in every interval of length {@code window};</li>
     *   <li>fixed window and sliding counter: at most {@code permits} in every aligned window.</li>
     * </ul>
     */
    public static List<String> violations(Limit limit, List<Admission> admitted) {
        List<Admission> log = new ArrayList<>(admitted);
        log.sort(Comparator.comparingLong(Admission::nanos));
        List<String> out = new ArrayList<>();
        long w = limit.windowNanos();
        switch (limit.algorithm()) {
            case TOKEN_BUCKET, LEAKY_BUCKET, LEAKY_BUCKET_PACING -> {
                // pacing delays are rounded up to whole nanoseconds, so a proceed time may be up to
                // 1ns later than the exact one while the next is not: allow that 1ns of slack
                long slack = limit.algorithm().paces() ? 1 : 0;
                for (int i = 0; i < log.size(); i++) {
                    long sum = 0;
                    for (int j = i; j < log.size(); j++) {
                        sum += log.get(j).cost();
                        // sum * W <= burst * W + permits * elapsed
                        BigInteger lhs = BigInteger.valueOf(sum).multiply(BigInteger.valueOf(w));
                        BigInteger rhs = BigInteger.valueOf(limit.burst()).multiply(BigInteger.valueOf(w))
                                .add(BigInteger.valueOf(limit.permits()).multiply(BigInteger.valueOf(log.get(j).nanos() - log.get(i).nanos() + slack)));
                        if (lhs.compareTo(rhs) > 0) {
                            out.add(limit + ": " + sum + " admitted within " + (log.get(j).nanos() - log.get(i).nanos())
                                    + "ns from " + log.get(i).nanos());
                        }
                    }
                }
            }
            case SLIDING_LOG -> {
                for (int i = 0; i < log.size(); i++) {
                    long sum = 0;
                    for (int j = i; j < log.size() && log.get(j).nanos() - log.get(i).nanos() < w; j++) {
                        sum += log.get(j).cost();
                    }
                    if (sum > limit.permits()) {
                        out.add(limit + ": " + sum + " admitted in the window starting at " + log.get(i).nanos());
                    }
                }
            }
            case FIXED_WINDOW, SLIDING_COUNTER -> {
                long index = Long.MIN_VALUE;
                long sum = 0;
                for (Admission a : log) {
                    long k = Math.floorDiv(a.nanos(), w);
                    sum = k == index ? sum + a.cost() : a.cost();
                    index = k;
                    if (sum > limit.permits()) {
                        out.add(limit + ": " + sum + " admitted in aligned window " + k);
                    }
                }
            }
        }
        return out;
    }
}
