package io.bulwark.providers;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the {@code cache} degradation action keeps each group's last good answers: in this
 * process by default ({@link #inMemory}), or in a shared cache so that every node of a fleet can
 * serve an answer any node received (the server backs it with a two-level cache, L2 on Redis).
 * Implementations never throw: a store that cannot answer returns empty, and a failed write is lost.
 */
public interface AnswerStore {

    /** An answer and when it was kept. */
    record Stored(ProviderResponse response, Instant storedAt) {
        public Stored {
            Objects.requireNonNull(response, "response");
            Objects.requireNonNull(storedAt, "storedAt");
        }
    }

    /** The answer kept under {@code key}, if any. */
    Optional<Stored> get(String key);

    /** Keeps {@code value} under {@code key}, replacing what was there. */
    void put(String key, Stored value);

    /** At most {@code maxEntries} answers in this process (Caffeine, size-based eviction). */
    static AnswerStore inMemory(long maxEntries) {
        Cache<String, Stored> entries = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
        return new AnswerStore() {
            @Override
            public Optional<Stored> get(String key) {
                return Optional.ofNullable(entries.getIfPresent(key));
            }

            @Override
            public void put(String key, Stored value) {
                entries.put(key, value);
            }
        };
    }
}
