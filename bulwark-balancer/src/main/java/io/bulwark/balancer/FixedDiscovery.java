package io.bulwark.balancer;

import java.time.Duration;
import java.util.List;

/** A static list: {@link Discovery#fixed(List)}. */
final class FixedDiscovery extends AbstractDiscovery {

    FixedDiscovery(List<Endpoint> endpoints) {
        publish(endpoints);
    }

    @Override
    public String describe() {
        return "static (" + endpoints().size() + " endpoints)";
    }

    @Override
    public Duration refresh() {
        return Duration.ofDays(1);
    }
}
