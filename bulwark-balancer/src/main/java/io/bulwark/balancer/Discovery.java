package io.bulwark.balancer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * Where a group's endpoints come from: a fixed list, DNS ({@link DnsDiscovery}), Kubernetes
 * ({@code bulwark-kubernetes}). A discovery keeps the last list it found; {@link #refresh()} looks
 * again once (the manual step a test drives), {@link #start} keeps looking on a scheduler the caller
 * owns, and listeners hear about every change.
 *
 * <pre>{@code
 * Discovery dns = DnsDiscovery.builder("users.internal").port(8080).build();
 * dns.subscribe(balancer::update);  // the balancer follows the list
 * dns.start(scheduler);             // refreshed as the records' TTL says
 * }</pre>
 *
 * <p>A failed refresh keeps the last good list: losing DNS for a minute must not empty a group.
 */
public interface Discovery extends AutoCloseable {

    /** A fixed list that never changes. */
    static Discovery fixed(List<Endpoint> endpoints) {
        return new FixedDiscovery(endpoints);
    }

    /** What this discovery looks at, e.g. {@code dns:users.internal (SRV)}, for logs and the API. */
    String describe();

    /** The last list found (empty before the first successful refresh). */
    List<Endpoint> endpoints();

    /**
     * Looks once and notifies listeners if the list changed.
     *
     * @return how long until the next look is due (e.g. the smallest DNS TTL)
     * @throws DiscoveryException when the source cannot be read; the last list is kept
     */
    Duration refresh();

    /**
     * Calls {@code listener} with the current list now and with every new list after a change.
     * Closing the returned handle unsubscribes.
     */
    AutoCloseable subscribe(Consumer<List<Endpoint>> listener);

    /**
     * Refreshes on {@code scheduler} (the caller's) now and then whenever {@link #refresh()} says;
     * after a failure it tries again after {@code retryAfterFailure}.
     */
    default AutoCloseable start(ScheduledExecutorService scheduler, Duration retryAfterFailure) {
        return RefreshLoop.start(this, scheduler, retryAfterFailure);
    }

    /** Refreshes on {@code scheduler}, retrying 5 s after a failure. */
    default AutoCloseable start(ScheduledExecutorService scheduler) {
        return start(scheduler, Duration.ofSeconds(5));
    }

    /** Stops any refresh loop started by {@link #start}; the default does nothing. */
    @Override
    default void close() {
    }
}
