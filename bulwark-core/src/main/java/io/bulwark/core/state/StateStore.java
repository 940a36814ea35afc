package io.bulwark.core.state;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Small durable documents and append-only records for a runtime's own state: settings changed
 * over the API (providers, retry configs, rate limits), circuit-breaker history, breaker state
 * shared across a cluster.
 *
 * <p>Documents are addressed by a {@code kind} (e.g. {@code "provider-group"}) and a
 * {@code name}; their body is JSON text the caller owns. Every write stamps the entry with the
 * store's clock (in a fleet, the store's time is the one every node agrees on) and a version
 * that grows by one per write of that document.
 *
 * <pre>{@code
 * StateStore state = StateStore.inMemory(clock);
 * state.put("provider-group", "llm", json);
 * state.append("breaker-history", "openai", transitionJson);
 * List<StateRecord> last = state.history("breaker-history", "openai", 50);
 * }</pre>
 *
 * <p>Implementations are thread-safe. Kinds and names are at most 200 characters.
 */
public interface StateStore {

    /** The store's clock: what {@link StateEntry#updatedAt()} and record times are read from. */
    Instant now();

    /** One document, if present. */
    Optional<StateEntry> get(String kind, String name);

    /** Every document of one kind, by name. */
    List<StateEntry> list(String kind);

    /** Creates or replaces one document and returns it as stored (new version, store time). */
    StateEntry put(String kind, String name, String json);

    /**
     * Writes one document only if its version is still {@code expectedVersion}, as one atomic step
     * (compare-and-set): {@code 0} writes only if the document does not exist (creating version 1),
     * any other number only if the stored version is that one. Two writers that read the same
     * version cannot both succeed, so a read-modify-write that uses the version it read never
     * overwrites a change it did not see.
     *
     * <pre>{@code
     * StateEntry read = state.get("rollout", "shop").orElseThrow();
     * Optional<StateEntry> written = state.putIfVersion("rollout", "shop", changed(read.json()), read.version());
     * if (written.isEmpty()) { ... someone wrote it since: read again ... }
     * }</pre>
     *
     * @return the document as stored (new version, store time), or empty when its version was
     *         another one (or it existed, for 0; or it did not, for a positive version)
     * @throws IllegalArgumentException when {@code expectedVersion} is negative
     */
    Optional<StateEntry> putIfVersion(String kind, String name, String json, long expectedVersion);

    /** Deletes one document; true when it existed. */
    boolean delete(String kind, String name);

    /** Appends one record to the history of {@code (kind, name)}, stamped with store time. */
    StateRecord append(String kind, String name, String json);

    /** The newest {@code limit} records of {@code (kind, name)}, newest first. */
    List<StateRecord> history(String kind, String name, int limit);

    /** Deletes history records older than {@code before}; returns how many went. */
    int pruneHistory(String kind, Instant before);

    /** A store that keeps everything in memory, for tests and for a server without a data dir. */
    static StateStore inMemory(java.time.InstantSource clock) {
        return new InMemoryStateStore(clock);
    }
}
