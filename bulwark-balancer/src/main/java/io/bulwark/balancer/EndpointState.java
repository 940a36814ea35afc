package io.bulwark.balancer;

import java.time.Duration;

/**
 * A snapshot of one endpoint as its {@link LoadBalancer} sees it, for dashboards, the REST API
 * and tests. Taken field by field from live counters, so under load the fields may be a few
 * requests apart.
 *
 * @param endpoint        the endpoint
 * @param healthy         whether active health checks consider it healthy (true when none run)
 * @param ejected         whether passive outlier detection has it out of rotation now
 * @param ejectedFor      how much longer the ejection lasts ({@link Duration#ZERO} when not ejected)
 * @param ejections       how often it has been ejected since it joined
 * @param inFlight        requests picked and not yet completed
 * @param ewmaLatency     exponentially weighted moving average of latency (with error penalties)
 * @param utilisation     {@code inFlight / maxConcurrent}, or 0 when it has no limit
 * @param effectiveWeight its weight now, below {@link Endpoint#weight()} while slow start ramps
 * @param requests        picks since it joined
 * @param failures        completions with a 5xx or an exception since it joined
 */
public record EndpointState(Endpoint endpoint, boolean healthy, boolean ejected, Duration ejectedFor, int ejections,
                            int inFlight, Duration ewmaLatency, double utilisation, double effectiveWeight,
                            long requests, long failures) {

    /** Whether the balancer would route to it outside panic mode: healthy and not ejected. */
    public boolean available() {
        return healthy && !ejected;
    }
}
