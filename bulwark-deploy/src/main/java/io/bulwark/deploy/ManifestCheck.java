package io.bulwark.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bulwark.deploy.internal.KubernetesSchemas;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The strict check of Kubernetes manifests: every document is read into fabric8's typed model of
 * its kind, and any field the model does not know (which fabric8 keeps aside as an "additional
 * property" instead of failing) is an error naming its path, as is a value of the wrong type. Then
 * the references between objects are checked: a Deployment's selector matches its pod labels,
 * probes name a declared port, Services, PodDisruptionBudgets and HPAs find their Deployments,
 * volumes find their ConfigMaps, pods find their ServiceAccount when the manifests define one.
 * Istio's VirtualService, DestinationRule and Gateway are read the same way into fabric8's Istio
 * model, and their routes must find their subsets, hosts and gateways ({@link IstioReferences}).
 * Before that, every object of a kind Kubernetes defines is validated against its JSON schema in
 * kubeconform's strict mode ({@link KubernetesSchemas}), which also catches missing required fields.
 */
public final class ManifestCheck {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /**
     * Reads as Kubernetes' API server does: a number or boolean where the model wants text is an
     * error (Jackson would quietly turn 8080 into "8080"; the API server refuses it).
     */
    private static final ObjectMapper MODEL = strict();

    private static ObjectMapper strict() {
        ObjectMapper m = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return m;
    }

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/ServiceAccount", ServiceAccount.class), Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Service", Service.class), Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
            Map.entry("networking.istio.io/v1beta1/VirtualService", io.fabric8.istio.api.networking.v1beta1.VirtualService.class),
            Map.entry("networking.istio.io/v1beta1/DestinationRule", io.fabric8.istio.api.networking.v1beta1.DestinationRule.class),
            Map.entry("networking.istio.io/v1beta1/Gateway", io.fabric8.istio.api.networking.v1beta1.Gateway.class),
            Map.entry("networking.istio.io/v1/VirtualService", io.fabric8.istio.api.networking.v1.VirtualService.class),
            Map.entry("networking.istio.io/v1/DestinationRule", io.fabric8.istio.api.networking.v1.DestinationRule.class),
            Map.entry("networking.istio.io/v1/Gateway", io.fabric8.istio.api.networking.v1.Gateway.class));

    private final List<String> problems = new ArrayList<>();
    private final List<HasMetadata> objects = new ArrayList<>();
    private final KubernetesSchemas schemas = KubernetesSchemas.bundled();
    private int schemaChecked;
    private final Set<String> schemaless = new java.util.TreeSet<>();
    private final Map<String, String> scaledObjects = new java.util.LinkedHashMap<>();

    /**
     * What the check found.
     *
     * @param problems      each naming its file, object and field; empty when the manifests pass
     * @param objects       the Deployments, Services and others read
     * @param schemaChecked how many objects were validated against the Kubernetes JSON schemas
     * @param schemaless    the kinds with no schema there (custom resources), checked by strict parsing only
     */
    public record Result(List<String> problems, List<HasMetadata> objects, int schemaChecked, Set<String> schemaless) {

        /** One line for a check's output: what was validated against the schemas, and what could not be. */
        public String schemaSummary() {
            return schemaChecked + " against the Kubernetes " + KubernetesSchemas.bundled().version() + " JSON schemas "
                    + "(strict)" + (schemaless.isEmpty() ? "" : "; no schema for " + String.join(", ", schemaless)
                    + ": strict parse only");
        }
    }

    public static Result check(Path root, List<Path> files) throws IOException {
        ManifestCheck c = new ManifestCheck();
        for (Path f : files) {
            try (JsonParser p = YAML.getFactory().createParser(f.toFile())) {
                c.read(root.relativize(f).toString(), p);
            }
        }
        c.references();
        return new Result(List.copyOf(c.problems), List.copyOf(c.objects), c.schemaChecked,
                java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(c.schemaless)));
    }

    /** The same check of YAML text, e.g. what {@code helm template} printed; {@code source} names it in problems. */
    public static Result check(String source, String yaml) throws IOException {
        ManifestCheck c = new ManifestCheck();
        try (JsonParser p = YAML.getFactory().createParser(yaml)) {
            c.read(source, p);
        }
        c.references();
        return new Result(List.copyOf(c.problems), List.copyOf(c.objects), c.schemaChecked,
                java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(c.schemaless)));
    }

    private void read(String file, JsonParser p) throws IOException {
        {
            for (JsonNode doc : YAML.readValues(p, JsonNode.class).readAll()) {
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                String type = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
                String where = file + " " + doc.path("kind").asText() + " '" + doc.path("metadata").path("name").asText() + "'";
                Class<? extends HasMetadata> cls = KINDS.get(type);
                if (schemas.knows(doc.path("apiVersion").asText(), doc.path("kind").asText())) {
                    schemaChecked++;
                    schemas.validate(strip(doc)).forEach(e -> problems.add(where + " at " + e + " (schema)"));
                } else {
                    schemaless.add(doc.path("kind").asText());
                }
                if (type.equals("keda.sh/v1alpha1/ScaledObject")) {
                    // No model or offline schema for KEDA's CRD: its target is checked with the references.
                    scaledObjects.put(where, doc.path("spec").path("scaleTargetRef").path("name").asText());
                    continue;
                }
                if (cls == null) {
                    problems.add(where + ": apiVersion/kind " + type + " is not one Bulwark generates or can check");
                    continue;
                }
                try {
                    HasMetadata o = MODEL.treeToValue(strip(doc), cls);
                    unknownFields(where, o, "", new IdentityHashMap<>());
                    objects.add(o);
                } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
                    problems.add(where + " at " + path(e) + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
                } catch (IOException e) {
                    problems.add(where + ": " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
        }
    }

    /** {@code spec.template.metadata.annotations.prometheus.io/port}, from Jackson's reference chain. */
    private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.isEmpty() ? "the top" : b.toString();
    }

    /** Status is written by the cluster, not by us; a generated file must not carry it. */
    private static JsonNode strip(JsonNode doc) {
        ObjectNode copy = doc.deepCopy();
        copy.remove("status");
        return copy;
    }

    private void unknownFields(String where, Object o, String path, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(where, e, path + "[" + i++ + "]", seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(where, v, path + "." + k, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")
                && !o.getClass().getName().startsWith("io.fabric8.istio.api")) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(where + ": unknown field(s) " + extra.keySet() + " at " + (path.isEmpty() ? "the top" : path));
                }
                continue;
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            unknownFields(where, value, path + "." + field, seen);
        }
    }

    private void references() {
        List<Deployment> deployments = of(Deployment.class);
        Set<String> configMaps = names(ConfigMap.class);
        Set<String> accounts = names(ServiceAccount.class);
        for (Deployment d : deployments) {
            String where = "Deployment '" + d.getMetadata().getName() + "'";
            Map<String, String> selector = d.getSpec().getSelector().getMatchLabels();
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            if (selector == null || selector.isEmpty() || labels == null || !labels.entrySet().containsAll(selector.entrySet())) {
                problems.add(where + ": spec.selector.matchLabels must be among the pod template's labels");
            }
            var pod = d.getSpec().getTemplate().getSpec();
            String account = pod.getServiceAccountName();
            // With no ServiceAccount among the manifests, pods use one that exists already (default, or the user's).
            if (account != null && !accounts.isEmpty() && !accounts.contains(account)) {
                problems.add(where + ": serviceAccountName '" + account + "' is not defined");
            }
            for (Volume v : pod.getVolumes()) {
                if (v.getConfigMap() != null && !configMaps.contains(v.getConfigMap().getName())) {
                    problems.add(where + ": volume '" + v.getName() + "' names ConfigMap '" + v.getConfigMap().getName()
                            + "', which is not defined");
                }
            }
            for (Container c : pod.getContainers()) {
                Set<String> ports = new java.util.HashSet<>();
                c.getPorts().stream().map(ContainerPort::getName).forEach(ports::add);
                for (Probe p : java.util.Arrays.asList(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
                    if (p != null && p.getHttpGet() != null && p.getHttpGet().getPort().getStrVal() != null
                            && !ports.contains(p.getHttpGet().getPort().getStrVal())) {
                        problems.add(where + " container '" + c.getName() + "': a probe names port '"
                                + p.getHttpGet().getPort().getStrVal() + "', which the container does not declare");
                    }
                }
            }
        }
        for (Service s : of(Service.class)) {
            if (deployments.stream().noneMatch(d -> matches(s.getSpec().getSelector(), d))) {
                problems.add("Service '" + s.getMetadata().getName() + "': its selector matches no Deployment's pods");
            }
        }
        for (PodDisruptionBudget b : of(PodDisruptionBudget.class)) {
            if (deployments.stream().noneMatch(d -> matches(b.getSpec().getSelector().getMatchLabels(), d))) {
                problems.add("PodDisruptionBudget '" + b.getMetadata().getName() + "': its selector matches no Deployment's pods");
            }
        }
        Set<String> deploymentNames = names(Deployment.class);
        scaledObjects.forEach((where, target) -> {
            if (!deploymentNames.contains(target)) {
                problems.add(where + ": scaleTargetRef '" + target + "' is not a Deployment here");
            }
        });
        problems.addAll(IstioReferences.problems(objects));
        for (HorizontalPodAutoscaler h : of(HorizontalPodAutoscaler.class)) {
            String target = h.getSpec().getScaleTargetRef().getName();
            if (!deploymentNames.contains(target)) {
                problems.add("HorizontalPodAutoscaler '" + h.getMetadata().getName() + "': scaleTargetRef '" + target
                        + "' is not a Deployment here");
            }
        }
    }

    private static boolean matches(Map<String, String> selector, Deployment d) {
        Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
        return selector != null && !selector.isEmpty() && labels != null && labels.entrySet().containsAll(selector.entrySet());
    }

    private <T extends HasMetadata> List<T> of(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private Set<String> names(Class<? extends HasMetadata> type) {
        Set<String> out = new java.util.HashSet<>();
        of(type).forEach(o -> out.add(o.getMetadata().getName()));
        return out;
    }
}
