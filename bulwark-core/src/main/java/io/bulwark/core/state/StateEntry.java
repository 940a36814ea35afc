package io.bulwark.core.state;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored document.
 *
 * @param kind what sort of document, e.g. {@code "provider-group"}
 * @param name its name within the kind
 * @param json its body
 * @param version 1 on creation, plus one per write
 * @param updatedAt the store's time of the last write
 */
public record StateEntry(String kind, String name, String json, long version, Instant updatedAt) {

    public StateEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
