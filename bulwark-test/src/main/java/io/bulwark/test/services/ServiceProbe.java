package io.bulwark.test.services;

import java.time.Duration;
import java.util.Objects;

/**
 * Decides whether a {@link LocalService} is reachable. The real one speaks the wire protocol
 * ({@link #wire(Duration)}); tests of code that reacts to the answer pass a lambda.
 *
 * <pre>{@code
 * ServiceProbe real = ServiceProbe.wire(Duration.ofSeconds(2));
 * ServiceProbe allDown = service -> ProbeResult.failure("connection refused");
 * }</pre>
 */
@FunctionalInterface
public interface ServiceProbe {

    /** Probes {@code service}; never throws, a failure is a {@link ProbeResult#failure}. */
    ProbeResult probe(LocalService service);

    /** Probes each service at its standard address with {@link LocalService#probe(Duration)}. */
    static ServiceProbe wire(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0 but was " + timeout);
        }
        return service -> service.probe(timeout);
    }
}
