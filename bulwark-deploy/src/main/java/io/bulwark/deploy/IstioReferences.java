package io.bulwark.deploy;

import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The references between Istio objects that Istio itself checks only when traffic flows: a route to
 * a subset no DestinationRule defines answers 503 to every request it gets, a route to a host with
 * no Service goes nowhere, a VirtualService bound to a missing Gateway is silently unused, and
 * weights that do not add up to 100 are refused by the API server's webhook only.
 */
final class IstioReferences {

    private IstioReferences() {
    }

    /** Problems among {@code objects}, which hold the Istio objects read (either API version) and the Services. */
    static List<String> problems(List<HasMetadata> objects) {
        Map<String, Set<String>> subsets = new HashMap<>();
        Set<String> gateways = new HashSet<>();
        Set<String> services = new HashSet<>();
        Map<String, VirtualService> virtualServices = new java.util.LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (HasMetadata o : objects) {
            String name = o.getMetadata().getName();
            switch (o) {
                case Service s -> services.add(name);
                case io.fabric8.istio.api.networking.v1beta1.Gateway g -> gateways.add(name);
                case io.fabric8.istio.api.networking.v1.Gateway g -> gateways.add(name);
                case io.fabric8.istio.api.networking.v1beta1.DestinationRule d -> rule(d.getSpec(), subsets);
                case io.fabric8.istio.api.networking.v1.DestinationRule d -> rule(d.getSpec(), subsets);
                case io.fabric8.istio.api.networking.v1beta1.VirtualService v -> virtualServices.put(name, v.getSpec());
                case io.fabric8.istio.api.networking.v1.VirtualService v -> virtualServices.put(name, v.getSpec());
                default -> { }
            }
        }
        virtualServices.forEach((name, spec) -> {
            String where = "VirtualService '" + name + "'";
            for (String g : spec.getGateways()) {
                String gateway = g.substring(g.indexOf('/') + 1);
                if (!g.equals("mesh") && !gateways.contains(gateway)) {
                    problems.add(where + ": gateway '" + g + "' is not a Gateway here");
                }
            }
            for (HTTPRoute route : spec.getHttp()) {
                String r = where + " route '" + (route.getName() == null ? "(unnamed)" : route.getName()) + "'";
                int weights = 0;
                for (HTTPRouteDestination d : route.getRoute()) {
                    String host = shortName(d.getDestination().getHost());
                    String subset = d.getDestination().getSubset();
                    weights += d.getWeight() == null ? 0 : d.getWeight();
                    if (!services.isEmpty() && !services.contains(host)) {
                        problems.add(r + ": host '" + d.getDestination().getHost() + "' is not a Service here");
                    }
                    if (subset != null && !subsets.getOrDefault(host, Set.of()).contains(subset)) {
                        problems.add(r + ": subset '" + subset + "' of host '" + host + "' is not in a DestinationRule "
                                + "(its subsets: " + subsets.getOrDefault(host, Set.of()) + "); Istio would answer 503");
                    }
                }
                if (route.getRoute().size() > 1 && weights != 100) {
                    problems.add(r + ": the weights add up to " + weights + ", not 100");
                }
            }
        });
        return problems;
    }

    private static void rule(DestinationRule spec, Map<String, Set<String>> subsets) {
        Set<String> names = subsets.computeIfAbsent(shortName(spec.getHost()), h -> new HashSet<>());
        for (Subset s : spec.getSubsets()) {
            names.add(s.getName());
        }
    }

    /** Istio resolves a short name in the object's namespace: {@code shop} and {@code shop.ns.svc.cluster.local} are one host. */
    private static String shortName(String host) {
        int dot = host == null ? -1 : host.indexOf('.');
        return host == null ? "" : dot < 0 ? host : host.substring(0, dot);
    }
}
