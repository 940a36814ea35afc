package io.bulwark.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Per-provider limits, a thin layer over {@link RateLimiter}s that the provider gateway
 * consults before each call: one limiter counts requests, another the call's cost (e.g.
 * tokens), both keyed by the provider's name.
 *
 * <pre>{@code
 * ProviderLimits limits = ProviderLimits.of(RateLimiterFactory.local(System::nanoTime));
 * limits.set(ProviderLimit.parse("openai", "500/1m", "90000/1m"));
 * Duration wait = limits.acquire("openai", promptTokens); // throws RateLimitExceededException
 * }</pre>
 *
 * <p>The request limits are asked first, then the cost limits. The two are separate limiters
 * (a Redis one is a separate script call), so a call the cost limits reject has already used
 * its request permit: the layer errs on the side of calling the provider less, never more.
 */
public final class ProviderLimits {

    private final RateLimiterFactory factory;
    private final ConcurrentMap<String, Entry> providers = new ConcurrentHashMap<>();

    private record Entry(ProviderLimit limit, RateLimiter requests, RateLimiter cost) {
    }

    private ProviderLimits(RateLimiterFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** Per-provider limits whose limiters {@code factory} builds (named {@code provider.<name>.requests|cost}). */
    public static ProviderLimits of(RateLimiterFactory factory) {
        return new ProviderLimits(factory);
    }

    /** Sets (or replaces, starting its usage afresh) the limits of one provider. */
    public void set(ProviderLimit limit) {
        String p = limit.provider();
        RateLimiter requests = limit.requests().isEmpty() ? null
                : factory.create(new RateLimitConfig("provider." + p + ".requests", limit.requests(), 1));
        RateLimiter cost = limit.cost().isEmpty() ? null
                : factory.create(new RateLimitConfig("provider." + p + ".cost", limit.cost(), 1));
        providers.put(p, new Entry(limit, requests, cost));
    }

    /** Removes a provider's limits; true when it had some. */
    public boolean remove(String provider) {
        return providers.remove(provider) != null;
    }

    /** The limits of {@code provider}, if any. */
    public Optional<ProviderLimit> get(String provider) {
        return Optional.ofNullable(providers.get(provider)).map(Entry::limit);
    }

    /** Every configured provider's limits, sorted by provider. */
    public List<ProviderLimit> all() {
        return providers.keySet().stream().sorted().map(providers::get).filter(Objects::nonNull).map(Entry::limit).toList();
    }

    /**
     * Takes one request and {@code cost} from the provider's limits; empty when the provider
     * has none (it is unlimited). The decision reported is the rejecting one, or else the one
     * closer to exhaustion.
     *
     * @throws IllegalArgumentException when cost is below 1 or above a cost limit's capacity
     */
    public Optional<Decision> check(String provider, long cost) {
        Entry e = providers.get(provider);
        if (e == null) {
            return Optional.empty();
        }
        Decision requests = e.requests == null ? null : e.requests.tryAcquire(provider, 1);
        if (requests != null && !requests.allowed()) {
            return Optional.of(requests);
        }
        Decision weighted = e.cost == null ? null : e.cost.tryAcquire(provider, cost);
        if (requests == null) {
            return Optional.of(weighted);
        }
        if (weighted == null || !weighted.allowed()) {
            return Optional.of(weighted == null ? requests : weighted);
        }
        double shareRequests = (double) requests.remaining() / requests.closest().capacity();
        double shareCost = (double) weighted.remaining() / weighted.closest().capacity();
        Decision closer = shareRequests <= shareCost ? requests : weighted;
        Duration delay = requests.delay().compareTo(weighted.delay()) >= 0 ? requests.delay() : weighted.delay();
        return Optional.of(new Decision(true, closer.closest(), closer.limit(), closer.remaining(),
                closer.resetAfter(), Duration.ZERO, delay));
    }

    /**
     * {@link #check} that throws on rejection; returns the pacing delay to wait (zero unless a
     * limit paces).
     *
     * @throws RateLimitExceededException naming the provider and the limit
     */
    public Duration acquire(String provider, long cost) {
        Optional<Decision> d = check(provider, cost);
        if (d.isPresent() && !d.get().allowed()) {
            throw new RateLimitExceededException("provider." + provider, provider, d.get());
        }
        return d.map(Decision::delay).orElse(Duration.ZERO);
    }
}
