package io.bulwark.providers.degradation;

import java.util.Objects;

/**
 * One reason, found now, for a group to be degraded.
 *
 * @param trigger which trigger fired
 * @param provider the provider it concerns; empty for the group as a whole
 * @param detail what was observed, e.g. "error rate 62% over 1m is above 50% (40 calls)"
 */
public record Finding(DegradationTrigger trigger, String provider, String detail) {

    public Finding {
        Objects.requireNonNull(trigger, "trigger");
        provider = provider == null ? "" : provider;
        Objects.requireNonNull(detail, "detail");
    }

    /** "openai: breaker-open (circuit breaker 'openai' is OPEN)". */
    public String describe() {
        return (provider.isEmpty() ? "" : provider + ": ") + trigger.configName() + " (" + detail + ")";
    }
}
