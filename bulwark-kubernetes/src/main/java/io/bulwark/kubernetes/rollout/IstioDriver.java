package io.bulwark.kubernetes.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import io.bulwark.deploy.rollout.TrafficDriver;
import io.bulwark.deploy.rollout.settings.DriverSettings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Splits traffic with Istio: sets the weights of one HTTP route of a VirtualService to two
 * destinations, the {@code stable} and {@code canary} subsets of a host, after checking that the
 * DestinationRule defines both subsets (a route to a subset that does not exist fails every
 * request it gets, with 503s from the sidecar).
 *
 * <pre>{@code
 * driver: {type: istio, namespace: shop, virtualService: shop, host: shop.shop.svc.cluster.local,
 *          destinationRule: shop, route: primary}
 * }</pre>
 *
 * <p>Settings: {@code namespace} (the client's by default), {@code virtualService} (required),
 * {@code host} (required: the destination host, as written in the route), {@code route} (the
 * name of the HTTP route; by default the one route whose destinations go to {@code host}),
 * {@code destinationRule} (by default named as the VirtualService), {@code stableSubset} and
 * {@code canarySubset} ({@code stable}, {@code canary}). The route's destinations become exactly
 * the two subsets with weights {@code 100 - w} and {@code w} (Istio accepts 0); other fields of an
 * existing destination of that host (its {@code port}) are kept, as is the rest of the route
 * (retries, timeouts, matches).
 *
 * <p>The resources are read and written as fabric8 generic resources of
 * {@code networking.istio.io/v1beta1} (see docs/decisions.md), with the resource names spelled out
 * so no API discovery is needed. RBAC: get and patch {@code virtualservices}, get
 * {@code destinationrules} in the namespace.
 */
public final class IstioDriver implements TrafficDriver {

    /** The type in a rollout definition. */
    public static final String TYPE = "istio";

    /** The API group and version of the resources it reads and writes. */
    public static final String API_VERSION = "networking.istio.io/v1beta1";

    static final ResourceDefinitionContext VIRTUAL_SERVICE = context("VirtualService", "virtualservices");
    static final ResourceDefinitionContext DESTINATION_RULE = context("DestinationRule", "destinationrules");

    private final KubernetesClient client;
    private final String namespace;
    private final String virtualService;
    private final String destinationRule;
    private final String host;
    private final String route;
    private final String stableSubset;
    private final String canarySubset;
    private final ReentrantLock lock = new ReentrantLock();
    private final ObjectMapper mapper = Json.mapper();

    private IstioDriver(KubernetesClient client, String namespace, String virtualService, String destinationRule, String host,
                        String route, String stableSubset, String canarySubset) {
        this.client = client;
        this.namespace = namespace;
        this.virtualService = virtualService;
        this.destinationRule = destinationRule;
        this.host = host;
        this.route = route;
        this.stableSubset = stableSubset;
        this.canarySubset = canarySubset;
    }

    private static ResourceDefinitionContext context(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("networking.istio.io").withVersion("v1beta1")
                .withKind(kind).withPlural(plural).withNamespaced(true).build();
    }

    /**
     * A driver from the settings of a rollout definition's {@code driver} section.
     *
     * @throws IllegalArgumentException naming the setting ({@code driver.<name>}) and what is allowed
     */
    public static IstioDriver of(KubernetesClient client, Map<String, Object> settings) {
        Objects.requireNonNull(client, "client");
        DriverSettings s = DriverSettings.of(TYPE, settings, Set.of("namespace", "virtualService", "destinationRule", "host",
                "route", "stableSubset", "canarySubset"));
        String namespace = Names.namespace(s, client);
        String vs = Names.name(s, "virtualService");
        String dr = Names.name(s.optionalString("destinationRule").orElse(vs), "destinationRule");
        String host = s.requireString("host");
        if (!host.matches("[A-Za-z0-9*]([-A-Za-z0-9.]*[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("driver.host must be a host name such as shop.shop.svc.cluster.local but was " + host);
        }
        String route = s.optionalString("route").orElse(null);
        String stable = s.optionalString("stableSubset").orElse("stable");
        String canary = s.optionalString("canarySubset").orElse("canary");
        Names.name(stable, "stableSubset");
        Names.name(canary, "canarySubset");
        if (stable.equals(canary)) {
            throw new IllegalArgumentException("driver.canarySubset must differ from driver.stableSubset but both are " + stable);
        }
        return new IstioDriver(client, namespace, vs, dr, host, route, stable, canary);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void setWeight(int weight) throws DriverException {
        DriverSettings.checkWeight(weight);
        lock.lock();
        try {
            checkSubsets();
            GenericKubernetesResource current = virtualService();
            ObjectNode spec = spec(current);
            ObjectNode http = route(spec);
            ObjectNode template = template(http);
            ArrayNode destinations = mapper.createArrayNode();
            destinations.add(destination(template, stableSubset, 100 - weight));
            destinations.add(destination(template, canarySubset, weight));
            if (destinations.equals(http.path("route"))) {
                return;
            }
            http.set("route", destinations);
            @SuppressWarnings("unchecked")
            Map<String, Object> newSpec = mapper.convertValue(spec, Map.class);
            client.genericKubernetesResources(VIRTUAL_SERVICE).inNamespace(namespace).withName(virtualService).edit(vs -> {
                vs.setAdditionalProperty("spec", newSpec);
                return vs;
            });
        } catch (KubernetesClientException e) {
            throw new DriverException(this + ": cannot set weight " + weight + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int weight() throws DriverException {
        try {
            ObjectNode http = route(spec(virtualService()));
            Integer stable = null;
            Integer canary = null;
            JsonNode destinations = http.path("route");
            for (JsonNode d : destinations) {
                if (!host.equals(d.path("destination").path("host").asText())) {
                    continue;
                }
                // A lone destination without a weight takes all traffic.
                int w = d.has("weight") ? d.path("weight").asInt() : (destinations.size() == 1 ? 100 : 0);
                String subset = d.path("destination").path("subset").asText();
                if (subset.equals(canarySubset)) {
                    canary = w;
                } else if (subset.equals(stableSubset)) {
                    stable = w;
                }
            }
            if (canary != null) {
                return canary;
            }
            if (stable != null) {
                return 100 - stable;
            }
            throw new DriverException(this + ": the route sends nothing to the subsets " + stableSubset + " or " + canarySubset
                    + " of " + host + "; it has " + destinations);
        } catch (KubernetesClientException e) {
            throw new DriverException(this + ": cannot read the weight: " + e.getMessage(), e);
        }
    }

    private void checkSubsets() throws DriverException {
        GenericKubernetesResource dr = client.genericKubernetesResources(DESTINATION_RULE).inNamespace(namespace)
                .withName(destinationRule).get();
        if (dr == null) {
            throw new DriverException(this + ": DestinationRule " + namespace + "/" + destinationRule
                    + " does not exist; it must define the subsets " + stableSubset + " and " + canarySubset);
        }
        JsonNode spec = mapper.valueToTree(dr.getAdditionalProperties().get("spec"));
        List<String> subsets = new ArrayList<>();
        spec.path("subsets").forEach(s -> subsets.add(s.path("name").asText()));
        if (!subsets.contains(stableSubset) || !subsets.contains(canarySubset)) {
            throw new DriverException(this + ": DestinationRule " + namespace + "/" + destinationRule + " has the subsets "
                    + subsets + " but the route needs " + stableSubset + " and " + canarySubset);
        }
        String drHost = spec.path("host").asText();
        if (!drHost.isEmpty() && !sameHost(drHost)) {
            throw new DriverException(this + ": DestinationRule " + namespace + "/" + destinationRule + " is for host "
                    + drHost + ", not " + host);
        }
    }

    /** Istio resolves a short name in the rule's namespace, so "shop" and "shop.shop.svc.cluster.local" are one host. */
    private boolean sameHost(String other) {
        return first(other).equals(first(host));
    }

    private static String first(String h) {
        int dot = h.indexOf('.');
        return dot < 0 ? h : h.substring(0, dot);
    }

    private GenericKubernetesResource virtualService() throws DriverException {
        GenericKubernetesResource vs = client.genericKubernetesResources(VIRTUAL_SERVICE).inNamespace(namespace)
                .withName(virtualService).get();
        if (vs == null) {
            throw new DriverException(this + ": VirtualService " + namespace + "/" + virtualService + " does not exist");
        }
        return vs;
    }

    private ObjectNode spec(GenericKubernetesResource vs) throws DriverException {
        JsonNode spec = mapper.valueToTree(vs.getAdditionalProperties().get("spec"));
        if (!(spec instanceof ObjectNode o) || !o.path("http").isArray()) {
            throw new DriverException(this + ": VirtualService " + namespace + "/" + virtualService + " has no http routes");
        }
        return o;
    }

    /** The HTTP route it drives: the one named {@code route}, else the one going to {@code host}. */
    private ObjectNode route(ObjectNode spec) throws DriverException {
        List<ObjectNode> matching = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (JsonNode r : spec.path("http")) {
            seen.add(r.path("name").asText("(unnamed)"));
            boolean wanted = route != null ? route.equals(r.path("name").asText())
                    : r.path("route").findValuesAsText("host").contains(host);
            if (wanted && r instanceof ObjectNode o) {
                matching.add(o);
            }
        }
        if (matching.size() == 1) {
            return matching.get(0);
        }
        String where = this + ": VirtualService " + namespace + "/" + virtualService;
        if (matching.isEmpty()) {
            throw new DriverException(where + " has no http route " + (route != null ? "named " + route : "to " + host)
                    + " (its routes: " + seen + ")");
        }
        throw new DriverException(where + " has " + matching.size() + " http routes " + (route != null ? "named " + route
                : "to " + host + "; set driver.route to name one") + " (its routes: " + seen + ")");
    }

    /** The existing destination of the host (for its port), if any. */
    private ObjectNode template(ObjectNode http) {
        for (JsonNode d : http.path("route")) {
            if (host.equals(d.path("destination").path("host").asText()) && d.path("destination") instanceof ObjectNode o) {
                return o.deepCopy();
            }
        }
        return mapper.createObjectNode().put("host", host);
    }

    private ObjectNode destination(ObjectNode template, String subset, int weight) {
        ObjectNode d = mapper.createObjectNode();
        d.set("destination", template.deepCopy().put("host", host).put("subset", subset));
        d.put("weight", weight);
        return d;
    }

    @Override
    public String toString() {
        return "istio driver (VirtualService " + namespace + "/" + virtualService + ", host " + host + ")";
    }

    /** Makes {@link IstioDriver}s ({@code driver.type: istio}) with a shared client, asked for on first use. */
    public static final class Factory implements TrafficDriver.Factory {
        private final Supplier<KubernetesClient> client;

        public Factory(Supplier<KubernetesClient> client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public TrafficDriver create(Map<String, Object> settings) {
            return of(client.get(), settings);
        }
    }
}
