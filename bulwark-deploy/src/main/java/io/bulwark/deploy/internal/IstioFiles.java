package io.bulwark.deploy.internal;

import io.bulwark.deploy.Artifact;
import io.bulwark.deploy.DeploySettings;
import io.bulwark.deploy.Mesh;
import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettingsBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestinationBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.OutlierDetectionBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.ServerBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.SubsetBuilder;
import io.fabric8.istio.api.networking.v1beta1.DestinationRuleBuilder;
import io.fabric8.istio.api.networking.v1beta1.GatewayBuilder;
import io.fabric8.istio.api.networking.v1beta1.VirtualServiceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Istio objects under {@code istio/}, a kustomize overlay on {@code kubernetes/} built with
 * fabric8's Istio model: a VirtualService for the API Service whose one HTTP route ({@value #ROUTE})
 * splits traffic between the subsets {@value #STABLE} and {@value #CANARY} (100/0, what the
 * {@code istio} rollout driver moves), a DestinationRule with those subsets, outlier detection and
 * a connection pool, a canary Deployment of the API with no replicas, and, with an ingress host, an
 * ingress Gateway that replaces the Ingress. Timeouts, retries and limits come from {@link Mesh}.
 *
 * <p>The subsets select pods by {@value #TRACK}: the overlay adds {@code stable} to the API
 * Deployment's selector and pods, and the canary Deployment's carry {@code canary}, so the two
 * Deployments never select each other's pods while the Service selects both.
 */
public final class IstioFiles {

    /** The API group and version written: served by every Istio release since 1.5. */
    public static final String API_VERSION = "networking.istio.io/v1beta1";
    /** The HTTP route the rollout driver's {@code route} setting names. */
    public static final String ROUTE = "primary";
    public static final String STABLE = "stable";
    public static final String CANARY = "canary";
    /** The pod label the subsets select on. */
    public static final String TRACK = "bulwark.io/track";
    /** The Service's port (kubernetes/api.yaml). */
    static final long SERVICE_PORT = 80;
    /** Only failures of the pod: the request never reached Bulwark, or the pod went away mid-answer. */
    public static final String RETRY_ON = "connect-failure,refused-stream,reset";
    /** The API pods' readiness probe period: an ejection decision is as fresh as the kubelet's. */
    static final String OUTLIER_INTERVAL = "5s";
    static final String BASE_EJECTION = "30s";
    /** The probes' timeout: a pod that cannot accept a connection this fast is not well. */
    static final String CONNECT_TIMEOUT = "2s";

    private IstioFiles() {
    }

    public static List<Artifact> generate(DeploySettings s) {
        boolean gateway = s.workload().ingressHost() != null;
        List<Artifact> out = new ArrayList<>();
        List<String> resources = new ArrayList<>(List.of("../kubernetes"));
        add(out, resources, "virtualservice.yaml", virtualService(s, gateway));
        add(out, resources, "destinationrule.yaml", destinationRule(s));
        add(out, resources, "api-canary.yaml", canary(s));
        if (gateway) {
            add(out, resources, "gateway.yaml", gateway(s));
        }
        out.add(new Artifact("istio/kustomization.yaml", Documents.yaml(kustomization(s, resources, gateway))));
        out.add(new Artifact("istio/README.md", IstioReadme.text(s, gateway)));
        return out;
    }

    private static void add(List<Artifact> out, List<String> resources, String file, HasMetadata object) {
        out.add(new Artifact("istio/" + file, Documents.yaml(object)));
        resources.add(file);
    }

    private static ObjectMeta meta(DeploySettings s) {
        return new ObjectMetaBuilder().withName(s.name()).withLabels(KubernetesFiles.labels(s, "api")).build();
    }

    private static HasMetadata virtualService(DeploySettings s, boolean gateway) {
        Mesh m = s.mesh();
        List<String> hosts = new ArrayList<>(List.of(s.name()));
        List<String> gateways = new ArrayList<>(List.of("mesh"));
        if (gateway) {
            hosts.add(s.workload().ingressHost());
            gateways.add(s.name());
        }
        var route = new HTTPRouteBuilder().withName(ROUTE)
                .withRoute(destination(s, STABLE, 100), destination(s, CANARY, 0))
                .withTimeout(seconds(m.timeout().toSeconds()));
        if (m.retries() > 0) {
            route.withNewRetries().withAttempts(m.retries()).withPerTryTimeout(seconds(m.perTryTimeout().toSeconds()))
                    .withRetryOn(RETRY_ON).endRetries();
        } else {
            route.withNewRetries().withAttempts(0).endRetries();
        }
        return new VirtualServiceBuilder().withMetadata(meta(s)).withNewSpec().withHosts(hosts).withGateways(gateways)
                .withHttp(route.build()).endSpec().build();
    }

    private static HTTPRouteDestination destination(DeploySettings s, String subset, int weight) {
        return new HTTPRouteDestinationBuilder().withNewDestination().withHost(s.name()).withSubset(subset)
                .withNewPort().withNumber(SERVICE_PORT).endPort().endDestination().withWeight(weight).build();
    }

    /**
     * Limits per client sidecar for the whole Service: each pod's share times the API's most
     * replicas (the HPA's maximum, kubernetes/api.yaml), so scaling up is never capped by the mesh.
     */
    private static HasMetadata destinationRule(DeploySettings s) {
        Mesh m = s.mesh();
        int requests = m.requestsPerPod() * s.workload().replicas() * 3;
        var pool = new ConnectionPoolSettingsBuilder()
                .withNewTcp().withMaxConnections(requests).withConnectTimeout(CONNECT_TIMEOUT).endTcp()
                .withNewHttp().withHttp1MaxPendingRequests(requests).withHttp2MaxRequests(requests).endHttp().build();
        var outliers = new OutlierDetectionBuilder().withSplitExternalLocalOriginErrors(true)
                .withConsecutiveLocalOriginFailures(Mesh.CONSECUTIVE_FAILURES).withConsecutive5xxErrors(m.consecutive5xx())
                .withInterval(OUTLIER_INTERVAL).withBaseEjectionTime(BASE_EJECTION).withMaxEjectionPercent(50).build();
        return new DestinationRuleBuilder().withMetadata(meta(s)).withNewSpec().withHost(s.name())
                .withNewTrafficPolicy().withConnectionPool(pool).withOutlierDetection(outliers).endTrafficPolicy()
                .withSubsets(subset(STABLE), subset(CANARY)).endSpec().build();
    }

    private static Subset subset(String track) {
        return new SubsetBuilder().withName(track).withLabels(Map.of(TRACK, track)).build();
    }

    /** The API Deployment with the canary's name and track and no replicas: a rollout sets its image and scales it. */
    private static HasMetadata canary(DeploySettings s) {
        Deployment api = (Deployment) KubernetesFiles.deployment(s, "api");
        return new DeploymentBuilder(api).editMetadata().withName(s.name() + "-api-canary").addToLabels(TRACK, CANARY)
                .endMetadata().editSpec().withReplicas(0).editSelector().addToMatchLabels(TRACK, CANARY).endSelector()
                .editTemplate().editMetadata().addToLabels(TRACK, CANARY).endMetadata().endTemplate().endSpec().build();
    }

    private static HasMetadata gateway(DeploySettings s) {
        return new GatewayBuilder().withMetadata(meta(s)).withNewSpec().withSelector(Map.of("istio", "ingressgateway"))
                .withServers(new ServerBuilder().withNewPort().withNumber(80L).withName("http").withProtocol("HTTP").endPort()
                        .withHosts(s.workload().ingressHost()).build()).endSpec().build();
    }

    /** The overlay: the stable track on the API Deployment and, with the Gateway, no Ingress. */
    private static Map<String, Object> kustomization(DeploySettings s, List<String> resources, boolean gateway) {
        String stable = "- op: add\n  path: /spec/selector/matchLabels/bulwark.io~1track\n  value: " + STABLE + "\n"
                + "- op: add\n  path: /spec/template/metadata/labels/bulwark.io~1track\n  value: " + STABLE + "\n";
        List<Object> patches = new ArrayList<>();
        patches.add(Documents.map("target", Documents.map("group", "apps", "version", "v1", "kind", "Deployment",
                "name", s.name() + "-api"), "patch", stable));
        if (gateway) {
            patches.add(Documents.map("target", Documents.map("group", "networking.k8s.io", "version", "v1",
                    "kind", "Ingress", "name", s.name()), "patch", "$patch: delete\napiVersion: networking.k8s.io/v1\n"
                    + "kind: Ingress\nmetadata:\n  name: " + s.name() + "\n"));
        }
        return Documents.map("apiVersion", "kustomize.config.k8s.io/v1beta1", "kind", "Kustomization",
                "resources", resources, "patches", patches);
    }

    private static String seconds(long s) {
        return s + "s";
    }
}
