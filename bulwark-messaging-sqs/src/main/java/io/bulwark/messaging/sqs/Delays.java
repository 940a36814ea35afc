package io.bulwark.messaging.sqs;

import java.time.Duration;
import java.time.Instant;

/**
 * SQS counts delays and visibility timeouts in whole seconds, a delay up to 15 minutes and a
 * visibility timeout up to 12 hours. Every Bulwark delay is rounded up to a second (never early);
 * a longer delay waits its first 15 minutes natively and carries its due time
 * ({@code bulwark-not-before}), and a consumer that receives it early sends it on for the next
 * stretch (see {@link SqsSource}).
 */
final class Delays {

    /** SQS's longest {@code DelaySeconds}. */
    static final Duration SQS_MAX_DELAY = Duration.ofMinutes(15);
    /** SQS's longest visibility timeout. */
    static final int MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

    private Delays() {
    }

    /**
     * How to send a message delayed {@code delay} at {@code now}.
     *
     * @param delaySeconds SQS's {@code DelaySeconds}
     * @param notBefore the due time to carry, or null when SQS's own delay covers it
     * @param deliverAt when it may first be delivered (the delay rounded up to a second)
     */
    record Plan(int delaySeconds, Instant notBefore, Instant deliverAt) {
    }

    static Plan plan(Instant now, Duration delay, Duration maxNative) {
        long seconds = ceilSeconds(delay);
        Instant at = now.plusSeconds(seconds);
        long most = maxNative.toSeconds();
        return seconds <= most ? new Plan((int) seconds, null, at) : new Plan((int) most, at, at);
    }

    /** The {@code DelaySeconds} of the next stretch of a message due at {@code notBefore}, received at {@code now}. */
    static int nextStretch(Instant now, Instant notBefore, Duration maxNative) {
        long left = ceilSeconds(Duration.between(now, notBefore));
        return (int) Math.max(1, Math.min(maxNative.toSeconds(), left));
    }

    /** {@code d} as a visibility timeout: whole seconds, rounded up, at most 12 hours. */
    static int visibilitySeconds(Duration d) {
        return (int) Math.min(MAX_VISIBILITY_SECONDS, ceilSeconds(d));
    }

    static long ceilSeconds(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return 0;
        }
        long s = d.getSeconds();
        return d.getNano() > 0 ? s + 1 : s;
    }
}
