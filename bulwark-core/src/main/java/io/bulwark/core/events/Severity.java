package io.bulwark.core.events;

import java.util.Locale;

/** How much an {@link Event} matters. */
public enum Severity {
    /** For the record: a breaker closed, a leader was elected. */
    INFO,
    /** Someone should look: a breaker opened, a group degraded, jobs died. */
    WARNING,
    /** Someone should act now: a node died. */
    CRITICAL;

    /** The lower-case name in the API and in alerts. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
