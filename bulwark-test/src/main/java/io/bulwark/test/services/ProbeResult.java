package io.bulwark.test.services;

import java.util.Objects;

/**
 * What a probe of a {@link LocalService} found: whether the service answered as itself, and a
 * short reason a person can act on.
 *
 * <pre>{@code
 * ProbeResult result = LocalService.NATS.probe(Duration.ofSeconds(2));
 * // ProbeResult[reachable=true, reason=sent INFO (version 2.10.24)]
 * // ProbeResult[reachable=false, reason=connection refused]
 * }</pre>
 *
 * @param reachable whether the service answered its probe correctly
 * @param reason what the service said, or why the probe failed
 */
public record ProbeResult(boolean reachable, String reason) {

    /** Validates that {@code reason} is present. */
    public ProbeResult {
        Objects.requireNonNull(reason, "reason");
    }

    /** The service answered as itself; {@code reason} says how. */
    public static ProbeResult success(String reason) {
        return new ProbeResult(true, reason);
    }

    /** The service did not answer, or answered as something else; {@code reason} says which. */
    public static ProbeResult failure(String reason) {
        return new ProbeResult(false, reason);
    }
}
