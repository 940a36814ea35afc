package io.bulwark.providers.degradation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A group's degradation now.
 *
 * @param group the provider group
 * @param degraded whether it is degraded
 * @param since when it entered degraded mode; empty when it is not degraded
 * @param findings why, as last evaluated
 * @param manual true when an operator switched it on (it stays on until switched off)
 */
public record DegradationState(String group, boolean degraded, Optional<Instant> since, List<Finding> findings,
                               boolean manual) {

    public DegradationState {
        findings = List.copyOf(findings);
    }

    static DegradationState normal(String group) {
        return new DegradationState(group, false, Optional.empty(), List.of(), false);
    }

    /** The providers a finding names: the ones to avoid while degraded. */
    public Set<String> suspects() {
        return findings.stream().map(Finding::provider).filter(p -> !p.isEmpty()).collect(Collectors.toSet());
    }

    /** One line for headers and logs: the findings joined with "; ". */
    public String reason() {
        return findings.stream().map(Finding::describe).collect(Collectors.joining("; "));
    }
}
