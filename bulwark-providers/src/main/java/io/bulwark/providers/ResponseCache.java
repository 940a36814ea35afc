package io.bulwark.providers;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The last good answer per group and request key, served by the {@code cache} degradation
 * action when it is no older than the group's max staleness, which is judged at read time against
 * the injected clock. The answers live in an {@link AnswerStore}: this process's memory by
 * default, or a cache the fleet shares.
 */
public final class ResponseCache {

    private final InstantSource clock;
    private final AnswerStore store;

    public ResponseCache(InstantSource clock, long maxEntries) {
        this(clock, AnswerStore.inMemory(maxEntries));
    }

    public ResponseCache(InstantSource clock, AnswerStore store) {
        this.clock = clock;
        this.store = store;
    }

    /** Keeps {@code response} as the last good answer to {@code key} of {@code group}. */
    public void put(String group, String key, ProviderResponse response) {
        store.put(group + '\u0000' + key, new AnswerStore.Stored(response, clock.instant()));
    }

    /** The last good answer, with its age, if it is no older than {@code maxStaleness}. */
    public Optional<Hit> get(String group, String key, Duration maxStaleness) {
        Optional<AnswerStore.Stored> e = store.get(group + '\u0000' + key);
        if (e.isEmpty()) {
            return Optional.empty();
        }
        Duration age = Duration.between(e.get().storedAt(), clock.instant());
        if (age.isNegative()) {
            age = Duration.ZERO; // kept by a node whose clock runs a little ahead
        }
        return age.compareTo(maxStaleness) <= 0 ? Optional.of(new Hit(e.get().response(), age)) : Optional.empty();
    }

    /** A cached answer and how old it is. */
    public record Hit(ProviderResponse response, Duration age) {
    }
}
