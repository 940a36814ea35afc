package io.bulwark.providers;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The last good answer per group and request key, served by the {@code cache} degradation
 * action when it is no older than the group's max staleness. Bounded by entry count (Caffeine,
 * size-based eviction); staleness is judged at read time against the injected clock.
 */
public final class ResponseCache {

    private record Entry(ProviderResponse response, Instant storedAt) {
    }

    private final InstantSource clock;
    private final Cache<String, Entry> entries;

    public ResponseCache(InstantSource clock, long maxEntries) {
        this.clock = clock;
        this.entries = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
    }

    /** Keeps {@code response} as the last good answer to {@code key} of {@code group}. */
    public void put(String group, String key, ProviderResponse response) {
        entries.put(group + '\u0000' + key, new Entry(response, clock.instant()));
    }

    /** The last good answer, with its age, if it is no older than {@code maxStaleness}. */
    public Optional<Hit> get(String group, String key, Duration maxStaleness) {
        Entry e = entries.getIfPresent(group + '\u0000' + key);
        if (e == null) {
            return Optional.empty();
        }
        Duration age = Duration.between(e.storedAt(), clock.instant());
        return age.compareTo(maxStaleness) <= 0 ? Optional.of(new Hit(e.response(), age)) : Optional.empty();
    }

    /** How many answers are kept. */
    public long size() {
        return entries.estimatedSize();
    }

    /** A cached answer and how old it is. */
    public record Hit(ProviderResponse response, Duration age) {
    }
}
