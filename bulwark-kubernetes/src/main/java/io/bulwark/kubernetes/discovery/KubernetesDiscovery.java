package io.bulwark.kubernetes.discovery;

import io.bulwark.balancer.AbstractDiscovery;
import io.bulwark.balancer.DiscoveryException;
import io.bulwark.balancer.Endpoint;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Endpoints of a Kubernetes Service, read through fabric8 from its EndpointSlices
 * ({@code discovery.k8s.io/v1}, labelled {@code kubernetes.io/service-name}) or from the older
 * Endpoints object. Only ready addresses are used; the port is the one named {@code portName}
 * (or the only one); the zone comes from the slice. {@link #refresh()} lists once (the manual
 * step); {@link #watch()} refreshes on every change the API server reports, on the client's own
 * threads (the client is the caller's, as is its lifetime).
 *
 * <pre>{@code
 * KubernetesDiscovery users = KubernetesDiscovery.builder(client, "shop", "users").portName("http").build();
 * users.subscribe(balancer::update);
 * users.refresh();
 * AutoCloseable watching = users.watch();
 * }</pre>
 */
public final class KubernetesDiscovery extends AbstractDiscovery {

    /** Which API objects to read. */
    public enum Source {
        /** {@code discovery.k8s.io/v1} EndpointSlices (the default; scales past 1000 addresses). */
        ENDPOINT_SLICES,
        /** The core {@code v1} Endpoints object of the Service. */
        ENDPOINTS
    }

    /** The label EndpointSlices carry naming their Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private final KubernetesClient client;
    private final String namespace;
    private final String service;
    private final String portName;
    private final String scheme;
    private final Source source;
    private final Duration resync;

    private KubernetesDiscovery(Builder b) {
        this.client = b.client;
        this.namespace = b.namespace;
        this.service = b.service;
        this.portName = b.portName;
        this.scheme = b.scheme;
        this.source = b.source;
        this.resync = b.resync;
    }

    /** A builder for Service {@code service} in {@code namespace}. */
    public static Builder builder(KubernetesClient client, String namespace, String service) {
        return new Builder(client, namespace, service);
    }

    @Override
    public String describe() {
        return "kubernetes:" + namespace + "/" + service + " (" + source + ")";
    }

    @Override
    public Duration refresh() {
        List<Endpoint> found;
        try {
            found = source == Source.ENDPOINT_SLICES ? fromSlices() : fromEndpoints();
        } catch (KubernetesClientException e) {
            throw new DiscoveryException("Kubernetes discovery of " + namespace + "/" + service + " failed (HTTP "
                    + e.getCode() + "): " + e.getMessage() + "; keeping the last " + endpoints().size()
                    + " endpoints", e);
        }
        publish(found);
        return resync;
    }

    /**
     * Refreshes whenever the API server reports a change to the Service's slices (or Endpoints).
     * Closing the handle stops watching.
     */
    public AutoCloseable watch() {
        Watcher<Object> onChange = new Watcher<>() {
            @Override
            public void eventReceived(Action action, Object resource) {
                try {
                    refresh();
                } catch (DiscoveryException e) {
                    System.getLogger(KubernetesDiscovery.class.getName()).log(System.Logger.Level.WARNING,
                            e.getMessage() + "; the next change or resync tries again", e);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                System.getLogger(KubernetesDiscovery.class.getName()).log(System.Logger.Level.WARNING,
                        "watch of " + describe() + " closed: " + cause.getMessage()
                                + "; endpoints stay as they are until refresh() or a new watch()");
            }
        };
        @SuppressWarnings({"unchecked", "rawtypes"})
        Watch watch = source == Source.ENDPOINT_SLICES
                ? client.discovery().v1().endpointSlices().inNamespace(namespace)
                        .withLabel(SERVICE_NAME_LABEL, service).watch((Watcher) onChange)
                : client.endpoints().inNamespace(namespace).withName(service).watch((Watcher) onChange);
        return watch::close;
    }

    private List<Endpoint> fromSlices() {
        Map<String, Endpoint> out = new LinkedHashMap<>();
        List<EndpointSlice> slices = new ArrayList<>(client.discovery().v1().endpointSlices().inNamespace(namespace)
                .withLabel(SERVICE_NAME_LABEL, service).list().getItems());
        slices.sort(Comparator.comparing(s -> s.getMetadata().getName()));
        for (EndpointSlice slice : slices) {
            Integer port = pickPort(slice.getPorts(), p -> p.getName(), p -> p.getPort());
            if (port == null || slice.getEndpoints() == null) {
                continue;
            }
            for (var e : slice.getEndpoints()) {
                boolean ready = e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
                if (!ready || e.getAddresses() == null) {
                    continue;
                }
                for (String ip : e.getAddresses()) {
                    Endpoint.Builder b = Endpoint.builder(scheme, ip, port).zone(e.getZone() == null ? "" : e.getZone());
                    if (e.getTargetRef() != null && e.getTargetRef().getName() != null) {
                        b.metadata("pod", e.getTargetRef().getName());
                    }
                    Endpoint endpoint = b.build();
                    out.putIfAbsent(endpoint.id(), endpoint);
                }
            }
        }
        return List.copyOf(out.values());
    }

    private List<Endpoint> fromEndpoints() {
        Endpoints endpoints = client.endpoints().inNamespace(namespace).withName(service).get();
        Map<String, Endpoint> out = new LinkedHashMap<>();
        if (endpoints == null || endpoints.getSubsets() == null) {
            return List.of();
        }
        for (EndpointSubset subset : endpoints.getSubsets()) {
            Integer port = pickPort(subset.getPorts(), EndpointPort::getName, EndpointPort::getPort);
            if (port == null || subset.getAddresses() == null) {
                continue;
            }
            for (EndpointAddress address : subset.getAddresses()) {
                Endpoint.Builder b = Endpoint.builder(scheme, address.getIp(), port);
                if (address.getTargetRef() != null && address.getTargetRef().getName() != null) {
                    b.metadata("pod", address.getTargetRef().getName());
                }
                Endpoint endpoint = b.build();
                out.putIfAbsent(endpoint.id(), endpoint);
            }
        }
        return List.copyOf(out.values());
    }

    private <P> Integer pickPort(List<P> ports, java.util.function.Function<P, String> name,
                                 java.util.function.Function<P, Integer> number) {
        if (ports == null || ports.isEmpty()) {
            return null;
        }
        for (P p : ports) {
            if (portName == null ? ports.size() == 1 : portName.equals(name.apply(p))) {
                return number.apply(p);
            }
        }
        return null;
    }

    /** Builds a {@link KubernetesDiscovery}; each setter checks its value at once. */
    public static final class Builder {
        private final KubernetesClient client;
        private final String namespace;
        private final String service;
        private String portName;
        private String scheme = "http";
        private Source source = Source.ENDPOINT_SLICES;
        private Duration resync = Duration.ofMinutes(5);

        private Builder(KubernetesClient client, String namespace, String service) {
            this.client = Objects.requireNonNull(client, "client");
            this.namespace = requireName("namespace", namespace);
            this.service = requireName("service", service);
        }

        private static String requireName(String field, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(field + " must not be blank but was '" + value + "'");
            }
            return value;
        }

        /** The Service port's name (default: the Service must have exactly one port). */
        public Builder portName(String value) {
            this.portName = requireName("portName", value);
            return this;
        }

        /** {@code http} (default) or {@code https}. */
        public Builder scheme(String value) {
            this.scheme = Endpoint.requireScheme(value);
            return this;
        }

        /** EndpointSlices (default) or Endpoints. */
        public Builder source(Source value) {
            this.source = Objects.requireNonNull(value, "source");
            return this;
        }

        /** How often {@link io.bulwark.balancer.Discovery#start} lists again, watch or not (default 5 min). */
        public Builder resync(Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("resync must be > 0 but was " + value);
            }
            this.resync = value;
            return this;
        }

        /** The discovery (not yet refreshed). */
        public KubernetesDiscovery build() {
            return new KubernetesDiscovery(this);
        }
    }
}
