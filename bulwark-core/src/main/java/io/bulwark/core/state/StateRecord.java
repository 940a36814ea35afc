package io.bulwark.core.state;

import java.time.Instant;
import java.util.Objects;

/**
 * One history record.
 *
 * @param kind what sort of history, e.g. {@code "breaker-history"}
 * @param name whose history, e.g. the breaker's name
 * @param json the record's body
 * @param at the store's time when it was appended
 */
public record StateRecord(String kind, String name, String json, Instant at) {

    public StateRecord {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(at, "at");
    }
}
