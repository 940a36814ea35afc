package io.bulwark.core.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened to the runtime that operators want to know about, once: a breaker
 * changed state, a provider group degraded, a node died, jobs went dead.
 *
 * @param id       increasing within this node's event log
 * @param at       when it happened
 * @param kind     what happened, e.g. {@code breaker.opened}, {@code node.dead}
 * @param severity how much it matters
 * @param subject  what it happened to: the breaker, group, node or queue name
 * @param message  one sentence for people
 * @param labels   what identifies it for alerting (e.g. {@code breaker=payments})
 * @param alert    the alert this event raises or resolves (e.g. {@code BulwarkBreakerOpen}), or null
 * @param resolved true when this event ends its alert (a breaker closed again)
 */
public record Event(long id, Instant at, String kind, Severity severity, String subject, String message,
                   Map<String, String> labels, String alert, boolean resolved) {

    public Event {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(message, "message");
        labels = Map.copyOf(labels);
    }
}
