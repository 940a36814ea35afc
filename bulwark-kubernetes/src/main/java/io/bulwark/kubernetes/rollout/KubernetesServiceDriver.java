package io.bulwark.kubernetes.rollout;

import io.bulwark.deploy.rollout.TrafficDriver;
import io.bulwark.deploy.rollout.settings.DriverSettings;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Moves traffic with plain Kubernetes objects, in one of two modes chosen by the settings.
 *
 * <p><b>Selector mode</b> (blue-green; settings {@code service}, {@code selectorKey},
 * {@code stable}, {@code canary}): the Service's selector entry {@code selectorKey} is set to the
 * {@code stable} value at weight 0 and to the {@code canary} value at weight 100. A Service cannot
 * split, so {@link #splits()} is false and only 0 and 100 are accepted. Before switching, at least
 * one ready pod must match the new selector, so a switch never points the Service at nothing.
 *
 * <p><b>Replica mode</b> (canary by replica ratio; settings {@code stableDeployment},
 * {@code canaryDeployment}, {@code replicas}): one Service selects the pods of both Deployments and
 * kube-proxy spreads connections over the pods, so the share follows the replica counts. Weight
 * {@code w} gives the canary {@code round(replicas * w / 100)} replicas, at least 1 when
 * {@code w > 0} and at most {@code replicas - 1} when {@code w < 100}, and the stable one the rest.
 * The side that grows is scaled first, so capacity never dips. The weight asked for is kept in the
 * canary Deployment's annotation {@value #WEIGHT_ANNOTATION}, which {@link #weight()} reads back
 * (a ratio of whole replicas is only an approximation of it).
 *
 * <pre>{@code
 * driver: {type: kubernetes, namespace: shop, service: shop, selectorKey: app.kubernetes.io/version,
 *          stable: "1.4.0", canary: "1.5.0"}
 * driver: {type: kubernetes, namespace: shop, stableDeployment: shop-1-4, canaryDeployment: shop-1-5, replicas: 10}
 * }</pre>
 *
 * <p>RBAC: get and patch {@code services} and list {@code pods} (selector mode); get and patch
 * {@code deployments} (replica mode), in the namespace.
 */
public final class KubernetesServiceDriver implements TrafficDriver {

    /** The type in a rollout definition. */
    public static final String TYPE = "kubernetes";

    /** The canary Deployment's annotation holding the weight last set (replica mode). */
    public static final String WEIGHT_ANNOTATION = "rollouts.bulwark.io/weight";

    private static final Set<String> SELECTOR = Set.of("service", "selectorKey", "stable", "canary");
    private static final Set<String> REPLICAS = Set.of("stableDeployment", "canaryDeployment", "replicas");

    private final KubernetesClient client;
    private final String namespace;
    private final Mode mode;
    private final ReentrantLock lock = new ReentrantLock();

    /** How traffic moves: by a Service's selector, or by two Deployments' replica counts. */
    private sealed interface Mode {
    }

    private record Selector(String service, String key, String stable, String canary) implements Mode {
    }

    private record Replicas(String stable, String canary, int total) implements Mode {
        int canaryFor(int weight) {
            if (weight == 0) {
                return 0;
            }
            if (weight == 100) {
                return total;
            }
            int c = (int) Math.round(total * weight / 100.0);
            return Math.min(total - 1, Math.max(1, c));
        }
    }

    private KubernetesServiceDriver(KubernetesClient client, String namespace, Mode mode) {
        this.client = client;
        this.namespace = namespace;
        this.mode = mode;
    }

    /**
     * A driver from the settings of a rollout definition's {@code driver} section.
     *
     * @throws IllegalArgumentException naming the setting ({@code driver.<name>}) and what is allowed
     */
    public static KubernetesServiceDriver of(KubernetesClient client, Map<String, Object> settings) {
        Objects.requireNonNull(client, "client");
        Set<String> known = new java.util.HashSet<>(SELECTOR);
        known.addAll(REPLICAS);
        known.add("namespace");
        DriverSettings s = DriverSettings.of(TYPE, settings, known);
        String namespace = Names.namespace(s, client);
        List<String> replicaSettings = s.present(REPLICAS);
        if (!replicaSettings.isEmpty()) {
            List<String> selectorSettings = s.present(SELECTOR);
            if (!selectorSettings.isEmpty()) {
                throw new IllegalArgumentException("driver." + selectorSettings.get(0) + " belongs to the selector mode but driver."
                        + replicaSettings.get(0) + " chooses the replica mode; give service, selectorKey, stable, canary "
                        + "or stableDeployment, canaryDeployment, replicas");
            }
            String stable = Names.name(s, "stableDeployment");
            String canary = Names.name(s, "canaryDeployment");
            if (stable.equals(canary)) {
                throw new IllegalArgumentException("driver.canaryDeployment must differ from driver.stableDeployment but both are " + stable);
            }
            int total = s.optionalInt("replicas", 2, 10_000).orElseThrow(() -> new IllegalArgumentException(
                    "driver.replicas is required in the replica mode (the total of both Deployments, at least 2)"));
            return new KubernetesServiceDriver(client, namespace, new Replicas(stable, canary, total));
        }
        String service = Names.name(s, "service");
        String key = Names.labelKey(s.optionalString("selectorKey").orElseThrow(() -> new IllegalArgumentException(
                "driver.selectorKey is required: the Service selector's label that tells the versions apart, "
                        + "e.g. app.kubernetes.io/version")), "selectorKey");
        String stable = Names.labelValue(s, "stable");
        String canary = Names.labelValue(s, "canary");
        if (stable.equals(canary)) {
            throw new IllegalArgumentException("driver.canary must differ from driver.stable but both are " + stable);
        }
        return new KubernetesServiceDriver(client, namespace, new Selector(service, key, stable, canary));
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** True in the replica mode; a Service's selector points at one side only. */
    @Override
    public boolean splits() {
        return mode instanceof Replicas;
    }

    @Override
    public void setWeight(int weight) throws DriverException {
        DriverSettings.checkWeight(weight);
        lock.lock();
        try {
            switch (mode) {
                case Selector sel -> select(sel, weight);
                case Replicas rep -> scale(rep, weight);
            }
        } catch (KubernetesClientException e) {
            throw new DriverException(this + ": cannot set weight " + weight + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private void select(Selector sel, int weight) throws DriverException {
        if (weight != 0 && weight != 100) {
            throw new IllegalArgumentException("weight must be 0 or 100 for the kubernetes driver's selector mode (a Service "
                    + "selects one side) but was " + weight + "; set driver.replicas and the Deployments for a canary");
        }
        Service service = service(sel);
        String value = weight == 100 ? sel.canary() : sel.stable();
        Map<String, String> selector = new LinkedHashMap<>(service.getSpec().getSelector() == null ? Map.of() : service.getSpec().getSelector());
        if (value.equals(selector.get(sel.key()))) {
            return;
        }
        selector.put(sel.key(), value);
        long ready = client.pods().inNamespace(namespace).withLabels(selector).list().getItems().stream()
                .filter(KubernetesServiceDriver::ready).count();
        if (ready == 0) {
            throw new DriverException(this + ": no ready pod matches the selector " + selector + " for weight " + weight
                    + "; the Service still selects " + sel.key() + "=" + selector(service, sel));
        }
        client.services().inNamespace(namespace).withName(sel.service()).edit(s -> new ServiceBuilder(s)
                .editSpec().addToSelector(sel.key(), value).endSpec().build());
    }

    private static boolean ready(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null || pod.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
                return true;
            }
        }
        return false;
    }

    private void scale(Replicas rep, int weight) throws DriverException {
        deployment(rep.stable()); // both must exist before either is scaled
        Deployment canary = deployment(rep.canary());
        int canaryReplicas = rep.canaryFor(weight);
        int stableReplicas = rep.total() - canaryReplicas;
        Integer current = canary.getSpec().getReplicas();
        boolean canaryGrows = current == null || canaryReplicas >= current;
        if (canaryGrows) {
            setReplicas(rep.canary(), canaryReplicas, weight);
            setReplicas(rep.stable(), stableReplicas, null);
        } else {
            setReplicas(rep.stable(), stableReplicas, null);
            setReplicas(rep.canary(), canaryReplicas, weight);
        }
    }

    private void setReplicas(String name, int replicas, Integer weight) {
        client.apps().deployments().inNamespace(namespace).withName(name).edit(d -> {
            DeploymentBuilder b = new DeploymentBuilder(d).editSpec().withReplicas(replicas).endSpec();
            return weight == null ? b.build()
                    : b.editMetadata().addToAnnotations(WEIGHT_ANNOTATION, Integer.toString(weight)).endMetadata().build();
        });
    }

    @Override
    public int weight() throws DriverException {
        try {
            return switch (mode) {
                case Selector sel -> {
                    String value = selector(service(sel), sel);
                    if (sel.canary().equals(value)) {
                        yield 100;
                    }
                    if (sel.stable().equals(value)) {
                        yield 0;
                    }
                    throw new DriverException(this + ": the Service selects " + sel.key() + "=" + value
                            + ", neither the stable value " + sel.stable() + " nor the canary value " + sel.canary());
                }
                case Replicas rep -> readWeight(rep);
            };
        } catch (KubernetesClientException e) {
            throw new DriverException(this + ": cannot read the weight: " + e.getMessage(), e);
        }
    }

    private int readWeight(Replicas rep) throws DriverException {
        Deployment stable = deployment(rep.stable());
        Deployment canary = deployment(rep.canary());
        int s = replicas(stable);
        int c = replicas(canary);
        String annotated = canary.getMetadata().getAnnotations() == null ? null : canary.getMetadata().getAnnotations().get(WEIGHT_ANNOTATION);
        if (annotated != null && annotated.matches("\\d{1,3}")) {
            int w = Integer.parseInt(annotated);
            if (w <= 100 && rep.canaryFor(w) == c && rep.total() - c == s) {
                return w;
            }
        }
        // Scaled by someone else (or never by us): the share the replica counts give.
        return s + c == 0 ? 0 : (int) Math.round(100.0 * c / (s + c));
    }

    private static int replicas(Deployment d) {
        Integer r = d.getSpec() == null ? null : d.getSpec().getReplicas();
        return r == null ? 1 : r;
    }

    private Service service(Selector sel) throws DriverException {
        Service s = client.services().inNamespace(namespace).withName(sel.service()).get();
        if (s == null) {
            throw new DriverException(this + ": Service " + namespace + "/" + sel.service() + " does not exist");
        }
        if (s.getSpec() == null) {
            throw new DriverException(this + ": Service " + namespace + "/" + sel.service() + " has no spec");
        }
        return s;
    }

    private static String selector(Service s, Selector sel) {
        Map<String, String> selector = s.getSpec().getSelector();
        return selector == null ? null : selector.get(sel.key());
    }

    private Deployment deployment(String name) throws DriverException {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
        if (d == null) {
            throw new DriverException(this + ": Deployment " + namespace + "/" + name + " does not exist");
        }
        return d;
    }

    @Override
    public String toString() {
        return switch (mode) {
            case Selector sel -> "kubernetes driver (Service " + namespace + "/" + sel.service() + ", selector " + sel.key() + ")";
            case Replicas rep -> "kubernetes driver (Deployments " + namespace + "/" + rep.stable() + " and " + rep.canary()
                    + ", " + rep.total() + " replicas)";
        };
    }

    /**
     * Makes {@link KubernetesServiceDriver}s ({@code driver.type: kubernetes}) with a shared client,
     * asked for on first use so a server without a cluster can still start.
     */
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
