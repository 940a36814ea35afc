package io.bulwark.balancer;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Named balancers, one per group. A balancer is created outside any map lock (a factory may do
 * I/O, and virtual threads must not pin on a bin lock); if two threads race, the first one stored
 * wins and the other's instance is dropped.
 */
public final class LoadBalancerRegistry {

    private final ConcurrentMap<String, LoadBalancer> balancers = new ConcurrentHashMap<>();

    /** An empty registry. */
    public LoadBalancerRegistry() {
    }

    /** The balancer called {@code name}, created with {@code factory} if there is none yet. */
    public LoadBalancer balancer(String name, Function<String, LoadBalancer> factory) {
        LoadBalancer existing = balancers.get(name);
        if (existing != null) {
            return existing;
        }
        LoadBalancer created = factory.apply(name);
        LoadBalancer raced = balancers.putIfAbsent(name, created);
        return raced != null ? raced : created;
    }

    /** Adds {@code balancer} under its name; an existing one of that name is an error. */
    public LoadBalancer register(LoadBalancer balancer) {
        LoadBalancer raced = balancers.putIfAbsent(balancer.name(), balancer);
        if (raced != null) {
            throw new IllegalArgumentException("a load balancer named '" + balancer.name() + "' is already registered");
        }
        return balancer;
    }

    /** The balancer called {@code name}, if any. */
    public Optional<LoadBalancer> find(String name) {
        return Optional.ofNullable(balancers.get(name));
    }

    /** Every balancer, sorted by name. */
    public List<LoadBalancer> all() {
        Collection<LoadBalancer> values = balancers.values();
        return values.stream().sorted(java.util.Comparator.comparing(LoadBalancer::name)).toList();
    }
}
