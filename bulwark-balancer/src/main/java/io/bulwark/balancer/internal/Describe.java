package io.bulwark.balancer.internal;

import io.bulwark.balancer.EndpointState;
import java.time.Duration;

/** Snapshots of endpoints and the live-state message of a failed pick. */
final class Describe {

    private Describe() {
    }

    static EndpointState state(EndpointSlot s, long now, double ramp) {
        boolean ejected = s.ejectedAt(now);
        int inFlight = s.inFlight();
        int max = s.endpoint().maxConcurrent();
        return new EndpointState(s.endpoint(), s.healthy(), ejected,
                ejected ? Duration.ofNanos(s.ejectedUntil - now) : Duration.ZERO, s.ejections, inFlight,
                Duration.ofNanos((long) s.latencyNanos()), max > 0 ? (double) inFlight / max : 0.0,
                s.endpoint().weight() * ramp, s.requests.sum(), s.failures.sum());
    }

    static String noEndpoint(DefaultLoadBalancer balancer, Snapshot s, long now) {
        EndpointSlot[] all = s.all();
        if (all.length == 0) {
            return "load balancer '" + balancer.name() + "' has no endpoints (check its endpoint list or discovery)";
        }
        int ejected = 0;
        int unhealthy = 0;
        StringBuilder full = new StringBuilder();
        for (EndpointSlot slot : all) {
            ejected += slot.ejectedAt(now) ? 1 : 0;
            unhealthy += slot.healthy() ? 0 : 1;
            if (slot.endpoint().maxConcurrent() > 0) {
                full.append(full.isEmpty() ? "" : ", ").append(slot.endpoint().id()).append(' ')
                        .append(slot.inFlight()).append('/').append(slot.endpoint().maxConcurrent());
            }
        }
        return "load balancer '" + balancer.name() + "' has no endpoint that can take a request: " + all.length
                + " endpoints, " + s.usable.length + " usable" + (s.panic ? " (panic mode: all used)" : "")
                + ", " + ejected + " ejected, " + unhealthy + " unhealthy"
                + (full.isEmpty() ? "" : "; in flight/max concurrent: " + full);
    }
}
