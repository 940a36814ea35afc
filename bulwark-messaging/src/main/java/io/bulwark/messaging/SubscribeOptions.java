package io.bulwark.messaging;

import io.bulwark.resilience.retry.Backoff;

import java.time.Duration;
import java.util.Objects;

/**
 * How a subscription consumes.
 *
 * <pre>{@code
 * SubscribeOptions.builder().concurrency(8).maxDeliveries(5)
 *         .backoff(Backoff.of(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5))).build();
 * }</pre>
 *
 * @param concurrency the most deliveries handled at once (1-1024)
 * @param prefetch the most deliveries fetched ahead of the handlers (at least {@code concurrency})
 * @param maxDeliveries deliveries before a failing message goes to the dead letters (1-1000)
 * @param backoff the wait before a failed message is delivered again: after failed delivery
 *                {@code n}, between half of {@code backoff.ceiling(n)} and all of it
 * @param claimAfter how long a delivery may go unacknowledged before the broker gives it to
 *                   another consumer (its consumer died): the visibility timeout; a live
 *                   consumer keeps the deliveries it is handling
 * @param grace how long {@link Subscription#close()} lets deliveries in flight finish
 */
public record SubscribeOptions(int concurrency, int prefetch, int maxDeliveries, Backoff backoff, Duration claimAfter,
                               Duration grace) {

    /** 1 at a time, 5 deliveries, 1s doubling to 5 min, claimed after 30 s, 10 s grace. */
    public static SubscribeOptions defaults() {
        return builder().build();
    }

    public SubscribeOptions {
        if (concurrency < 1 || concurrency > 1024) {
            throw new IllegalArgumentException("concurrency must be from 1 to 1024 but was " + concurrency);
        }
        if (prefetch < concurrency || prefetch > 10_000) {
            throw new IllegalArgumentException("prefetch must be from concurrency (" + concurrency + ") to 10000 but was "
                    + prefetch);
        }
        if (maxDeliveries < 1 || maxDeliveries > 1000) {
            throw new IllegalArgumentException("maxDeliveries must be from 1 to 1000 but was " + maxDeliveries);
        }
        Objects.requireNonNull(backoff, "backoff must be set");
        if (claimAfter == null || claimAfter.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("claimAfter must be at least 100ms but was " + claimAfter);
        }
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("grace must be >= 0 but was " + grace);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link SubscribeOptions}. */
    public static final class Builder {
        private int concurrency = 1;
        private Integer prefetch;
        private int maxDeliveries = 5;
        private Backoff backoff = Backoff.of(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5));
        private Duration claimAfter = Duration.ofSeconds(30);
        private Duration grace = Duration.ofSeconds(10);

        public Builder concurrency(int n) {
            this.concurrency = n;
            return this;
        }

        /** Default: twice the concurrency. */
        public Builder prefetch(int n) {
            this.prefetch = n;
            return this;
        }

        public Builder maxDeliveries(int n) {
            this.maxDeliveries = n;
            return this;
        }

        public Builder backoff(Backoff b) {
            this.backoff = b;
            return this;
        }

        public Builder claimAfter(Duration d) {
            this.claimAfter = d;
            return this;
        }

        public Builder grace(Duration d) {
            this.grace = d;
            return this;
        }

        public SubscribeOptions build() {
            return new SubscribeOptions(concurrency, prefetch == null ? Math.min(10_000, concurrency * 2) : prefetch,
                    maxDeliveries, backoff, claimAfter, grace);
        }
    }
}
