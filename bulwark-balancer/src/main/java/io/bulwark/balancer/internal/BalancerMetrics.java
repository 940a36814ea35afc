package io.bulwark.balancer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The {@code bulwark.lb.*} meters of one balancer, one set per endpoint, tagged {@code group} and
 * {@code endpoint} (the endpoint id: bounded by configuration or discovery, never by requests).
 * Prometheus names: {@code bulwark_lb_requests_total}, {@code bulwark_lb_in_flight},
 * {@code bulwark_lb_ejections_total}, {@code bulwark_lb_endpoint_healthy},
 * {@code bulwark_lb_utilization} (only for endpoints with a max concurrent).
 */
final class BalancerMetrics {

    private final MeterRegistry registry;
    private final String group;
    private final LongSupplier ticker;

    BalancerMetrics(MeterRegistry registry, String group, LongSupplier ticker) {
        this.registry = registry;
        this.group = group;
        this.ticker = ticker;
    }

    void register(EndpointSlot slot) {
        if (registry == null) {
            return;
        }
        Tags tags = Tags.of("group", group, "endpoint", slot.endpoint().id());
        List<Meter> meters = new ArrayList<>();
        Counter requests = Counter.builder("bulwark.lb.requests").tags(tags)
                .description("Requests sent to the endpoint (picks)").register(registry);
        Counter ejections = Counter.builder("bulwark.lb.ejections").tags(tags)
                .description("Times the endpoint was ejected by outlier detection").register(registry);
        meters.add(requests);
        meters.add(ejections);
        meters.add(Gauge.builder("bulwark.lb.in.flight", slot, EndpointSlot::inFlight).tags(tags)
                .description("Requests in flight to the endpoint").strongReference(true).register(registry));
        meters.add(Gauge.builder("bulwark.lb.endpoint.healthy", slot,
                        s -> s.healthy() && !s.ejectedAt(ticker.getAsLong()) ? 1 : 0).tags(tags)
                .description("1 when the endpoint is healthy and not ejected").strongReference(true).register(registry));
        if (slot.endpoint().maxConcurrent() > 0) {
            meters.add(Gauge.builder("bulwark.lb.utilization", slot,
                            s -> (double) s.inFlight() / s.endpoint().maxConcurrent()).tags(tags)
                    .description("In-flight requests over the endpoint's max concurrent").strongReference(true)
                    .register(registry));
        }
        slot.meters = new EndpointMeters(requests, ejections, List.copyOf(meters));
    }

    void remove(EndpointSlot slot) {
        if (registry == null) {
            return;
        }
        for (Meter m : slot.meters.all()) {
            registry.remove(m);
        }
        slot.meters = EndpointMeters.NONE;
    }

    /** The meters of one endpoint; {@link #NONE} when there is no registry. */
    record EndpointMeters(Counter requests, Counter ejections, List<Meter> all) {
        static final EndpointMeters NONE = new EndpointMeters(null, null, List.of());

        void countRequest() {
            if (requests != null) {
                requests.increment();
            }
        }

        void countEjection() {
            if (ejections != null) {
                ejections.increment();
            }
        }
    }
}
