package io.bulwark.deploy.internal;

import io.bulwark.deploy.Artifact;
import io.bulwark.deploy.DeploySettings;
import io.bulwark.deploy.Workload;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes manifests under {@code kubernetes/}, built with fabric8's typed model so a field
 * name cannot be misspelt here: Deployments for the API nodes and the workers, the Service, the
 * ConfigMap with {@code bulwark.yaml}, references to a Secret the operator creates, HPAs, a KEDA
 * alternative, PodDisruptionBudgets, a NetworkPolicy, a ServiceAccount with the least RBAC the
 * Kubernetes discovery and {@code kubernetes-job} steps need, an Ingress, and a kustomization.
 */
public final class KubernetesFiles {

    /** Where the ConfigMap is mounted. */
    public static final String CONFIG_DIR = "/etc/bulwark";
    /** The data directory: an emptyDir (the store is the database; keys come from the Secret). */
    public static final String DATA_DIR = "/var/lib/bulwark";
    /** The admin key every API node needs to bind publicly, from the Secret. */
    public static final String ADMIN_KEY_ENV = "BULWARK_AUTH_ADMIN_KEY";
    /** Measured: idle RSS 171 MiB, peak RSS under load 362 MiB (docs/benchmarks.md); the limit leaves room. */
    static final String MEMORY_REQUEST = "384Mi";
    static final String MEMORY_LIMIT = "768Mi";
    static final String CPU_REQUEST = "250m";
    private static final long USER = 10001;

    private KubernetesFiles() {
    }

    public static List<Artifact> generate(DeploySettings s) {
        Workload w = s.workload();
        List<Artifact> out = new ArrayList<>();
        List<String> resources = new ArrayList<>();
        add(out, resources, "serviceaccount.yaml", List.of(
                new ServiceAccountBuilder().withMetadata(meta(s, s.name(), null)).withAutomountServiceAccountToken(true).build(),
                role(s), new RoleBindingBuilder().withMetadata(meta(s, s.name(), null))
                        .withNewRoleRef("rbac.authorization.k8s.io", "Role", s.name())
                        .addNewSubject().withKind("ServiceAccount").withName(s.name()).endSubject().build()));
        add(out, resources, "configmap.yaml", List.of(new ConfigMapBuilder().withMetadata(meta(s, s.name() + "-config", null))
                .addToData("bulwark.yaml", configFile(s)).build()));
        add(out, resources, "api.yaml", List.of(deployment(s, "api"), service(s), pdb(s, "api"),
                hpa(s, "api", w.replicas(), w.replicas() * 3, List.of(cpu()))));
        if (w.workers() > 0) {
            add(out, resources, "worker.yaml", List.of(deployment(s, "worker"), pdb(s, "worker")));
            add(out, resources, "worker-hpa.yaml", List.of(hpa(s, "worker", w.workers(), w.workers() * 4,
                    List.of(cpu(), queueDepth(s)))));
            out.add(new Artifact("kubernetes/keda/worker-scaledobject.yaml", Documents.yaml(scaledObject(s))));
            out.add(new Artifact("kubernetes/keda-bulwark/worker-scaledobject.yaml",
                    Documents.yaml(bulwarkScaledObject(s)) + Documents.yaml(kedaAuthentication(s))));
            out.add(new Artifact("kubernetes/prometheus-adapter-rules.yaml", adapterRules(s)));
        }
        add(out, resources, "networkpolicy.yaml", List.of(networkPolicy(s)));
        add(out, resources, "ingress.yaml", List.of(ingress(s)));
        Map<String, Object> kustomization = new LinkedHashMap<>();
        kustomization.put("apiVersion", "kustomize.config.k8s.io/v1beta1");
        kustomization.put("kind", "Kustomization");
        kustomization.put("resources", resources);
        out.add(new Artifact("kubernetes/kustomization.yaml", Documents.yaml(kustomization)));
        out.add(new Artifact("kubernetes/README.md", KubernetesReadme.text(s)));
        return out;
    }

    private static void add(List<Artifact> out, List<String> resources, String file, List<HasMetadata> objects) {
        StringBuilder yaml = new StringBuilder();
        for (HasMetadata o : objects) {
            yaml.append(Documents.yaml(o));
        }
        out.add(new Artifact("kubernetes/" + file, yaml.toString()));
        resources.add(file);
    }

    /** The recommended labels; {@code component} is null for objects shared by both. */
    static Map<String, String> labels(DeploySettings s, String component) {
        Map<String, String> m = new LinkedHashMap<>(selector(s, component));
        m.put("app.kubernetes.io/version", version(s.workload().image()));
        m.put("app.kubernetes.io/managed-by", "bulwark-deploy");
        m.put("app.kubernetes.io/part-of", s.name());
        return m;
    }

    private static Map<String, String> selector(DeploySettings s, String component) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("app.kubernetes.io/name", "bulwark");
        m.put("app.kubernetes.io/instance", s.name());
        if (component != null) {
            m.put("app.kubernetes.io/component", component);
        }
        return m;
    }

    private static String version(String image) {
        int at = image.indexOf('@');
        String ref = at >= 0 ? image.substring(0, at) : image;
        int colon = ref.lastIndexOf(':');
        String tag = colon > ref.lastIndexOf('/') ? ref.substring(colon + 1) : "latest";
        return tag.length() > 63 ? tag.substring(0, 63) : tag;
    }

    private static ObjectMeta meta(DeploySettings s, String name, String component) {
        return new ObjectMetaBuilder().withName(name).withLabels(labels(s, component)).build();
    }

    private static HasMetadata role(DeploySettings s) {
        return new RoleBuilder().withMetadata(meta(s, s.name(), null)).withRules(
                new PolicyRuleBuilder().withApiGroups("discovery.k8s.io").withResources("endpointslices")
                        .withVerbs("get", "list", "watch").build(),
                new PolicyRuleBuilder().withApiGroups("").withResources("endpoints").withVerbs("get", "list", "watch").build(),
                new PolicyRuleBuilder().withApiGroups("batch").withResources("jobs")
                        .withVerbs("create", "get", "list", "watch", "delete").build(),
                new PolicyRuleBuilder().withApiGroups("").withResources("pods").withVerbs("get", "list", "watch").build(),
                new PolicyRuleBuilder().withApiGroups("").withResources("pods/log").withVerbs("get").build(),
                new PolicyRuleBuilder().withApiGroups("apps").withResources("deployments").withVerbs("get").build(),
                new PolicyRuleBuilder().withApiGroups("apps").withResources("deployments/scale")
                        .withVerbs("get", "patch", "update").build()).build();
    }

    private static String configFile(DeploySettings s) {
        Map<String, String> config = new LinkedHashMap<>(s.workload().config());
        // Kubernetes stops the traffic: the preStop sleep keeps serving while endpoints are removed,
        // so the server needs no drain delay of its own after SIGTERM.
        config.put("server.shutdown.drainDelay", "0s");
        config.put("server.shutdown.grace", Documents.promDuration(s.workload().shutdownGrace()));
        return "# Plain configuration; secret keys come from the environment (Secret " + s.name() + "-secrets).\n"
                + Documents.yaml(config);
    }

    /** The Deployment of {@code api} or {@code worker} nodes; {@link IstioFiles} derives the canary one from it. */
    static HasMetadata deployment(DeploySettings s, String component) {
        Workload w = s.workload();
        boolean api = component.equals("api");
        return new DeploymentBuilder().withMetadata(meta(s, s.name() + "-" + component, component))
                .withNewSpec()
                .withReplicas(api ? w.replicas() : w.workers())
                .withNewSelector().withMatchLabels(selector(s, component)).endSelector()
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate().endStrategy()
                .withTemplate(podTemplate(s, component, args(s, api)))
                .endSpec().build();
    }

    private static List<String> args(DeploySettings s, boolean api) {
        Workload w = s.workload();
        List<String> args = new ArrayList<>(List.of(api ? "serve" : "worker", "--config", CONFIG_DIR + "/bulwark.yaml",
                "--host", "0.0.0.0", "--port", String.valueOf(s.port()), "--data-dir", DATA_DIR));
        if (api && w.workers() > 0) {
            args.add("--node.role=api");
        }
        if (!api && !w.workerQueues().isEmpty()) {
            args.add("--queues");
            args.add(String.join(",", w.workerQueues()));
        }
        return args;
    }

    private static PodTemplateSpec podTemplate(DeploySettings s, String component, List<String> args) {
        Workload w = s.workload();
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName("JAVA_TOOL_OPTIONS")
                .withValue(DockerFiles.JAVA_TOOL_OPTIONS).build());
        List<String> secrets = new ArrayList<>(w.secretEnv());
        if (component.equals("api") && !secrets.contains(ADMIN_KEY_ENV)) {
            secrets.add(0, ADMIN_KEY_ENV);
        }
        for (String name : secrets) {
            env.add(new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef()
                    .withName(s.name() + "-secrets").withKey(name).withOptional(false).endSecretKeyRef().endValueFrom().build());
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("prometheus.io/scrape", "true");
        annotations.put("prometheus.io/port", String.valueOf(s.port()));
        annotations.put("prometheus.io/path", "/metrics");
        return new PodTemplateSpecBuilder()
                .withNewMetadata().withLabels(labels(s, component)).withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .withServiceAccountName(s.name())
                .withTerminationGracePeriodSeconds(w.terminationGraceSeconds())
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(USER).withRunAsGroup(USER).withFsGroup(USER)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .addNewTopologySpreadConstraint().withMaxSkew(1).withTopologyKey("kubernetes.io/hostname")
                .withWhenUnsatisfiable("ScheduleAnyway").withNewLabelSelector().withMatchLabels(selector(s, component))
                .endLabelSelector().endTopologySpreadConstraint()
                .withContainers(new ContainerBuilder().withName("bulwark").withImage(w.image())
                        .withImagePullPolicy("IfNotPresent").withArgs(args)
                        .addNewPort().withName("http").withContainerPort(s.port()).withProtocol("TCP").endPort()
                        .withEnv(env)
                        .withNewResources()
                        .addToRequests("cpu", new Quantity(CPU_REQUEST)).addToRequests("memory", new Quantity(MEMORY_REQUEST))
                        .addToLimits("memory", new Quantity(MEMORY_LIMIT)).endResources()
                        .withStartupProbe(probe("/health/live", 2, 30))
                        .withLivenessProbe(probe("/health/live", 10, 3))
                        .withReadinessProbe(probe("/health/ready", 5, 2))
                        .withNewLifecycle().withNewPreStop().withNewSleep(w.drainDelay().toSeconds()).endPreStop()
                        .endLifecycle()
                        .withNewSecurityContext().withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false)
                        .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                        .addNewVolumeMount().withName("config").withMountPath(CONFIG_DIR).withReadOnly(true).endVolumeMount()
                        .addNewVolumeMount().withName("data").withMountPath(DATA_DIR).endVolumeMount()
                        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                        .build())
                .addNewVolume().withName("config").withNewConfigMap().withName(s.name() + "-config").endConfigMap().endVolume()
                .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().build();
    }

    private static Probe probe(String path, int period, int failures) {
        return new ProbeBuilder().withNewHttpGet().withPath(path).withPort(new IntOrString("http")).endHttpGet()
                .withPeriodSeconds(period).withFailureThreshold(failures).withTimeoutSeconds(2).build();
    }

    private static HasMetadata service(DeploySettings s) {
        return new ServiceBuilder().withMetadata(meta(s, s.name(), "api")).withNewSpec().withType("ClusterIP")
                .withSelector(selector(s, "api"))
                .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("http")).withProtocol("TCP").endPort()
                .endSpec().build();
    }

    private static HasMetadata pdb(DeploySettings s, String component) {
        return new PodDisruptionBudgetBuilder().withMetadata(meta(s, s.name() + "-" + component, component))
                .withNewSpec().withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(selector(s, component)).endSelector().endSpec().build();
    }

    private static MetricSpec cpu() {
        return new MetricSpecBuilder().withType("Resource").withNewResource().withName("cpu").withNewTarget()
                .withType("Utilization").withAverageUtilization(70).endTarget().endResource().build();
    }

    /**
     * Waiting jobs per worker through the external metrics API (prometheus-adapter-rules.yaml serves
     * it). Every node reports the store's counts, so the rules take the max over nodes, not the sum.
     */
    private static MetricSpec queueDepth(DeploySettings s) {
        return new MetricSpecBuilder().withType("External").withNewExternal()
                .withNewMetric().withName("bulwark_jobs_available").withNewSelector()
                .addToMatchLabels("job", s.name()).endSelector().endMetric()
                .withNewTarget().withType("AverageValue").withAverageValue(new Quantity("100")).endTarget()
                .endExternal().build();
    }

    private static HasMetadata hpa(DeploySettings s, String component, int min, int max, List<MetricSpec> metrics) {
        return new HorizontalPodAutoscalerBuilder().withMetadata(meta(s, s.name() + "-" + component, component))
                .withNewSpec().withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
                .withName(s.name() + "-" + component).endScaleTargetRef()
                .withMinReplicas(min).withMaxReplicas(Math.max(min, max)).withMetrics(metrics)
                .withNewBehavior().withNewScaleDown().withStabilizationWindowSeconds(300).endScaleDown().endBehavior()
                .endSpec().build();
    }

    private static HasMetadata networkPolicy(DeploySettings s) {
        return new NetworkPolicyBuilder().withMetadata(meta(s, s.name(), null)).withNewSpec()
                .withNewPodSelector().withMatchLabels(selector(s, null)).endPodSelector()
                .withPolicyTypes("Ingress")
                .addNewIngress().addNewPort().withProtocol("TCP").withPort(new IntOrString(s.port())).endPort().endIngress()
                .endSpec().build();
    }

    private static HasMetadata ingress(DeploySettings s) {
        var rule = new io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder().withNewHttp().addNewPath()
                .withPath("/").withPathType("Prefix").withNewBackend().withNewService().withName(s.name())
                .withNewPort().withName("http").endPort().endService().endBackend().endPath().endHttp();
        if (s.workload().ingressHost() != null) {
            rule.withHost(s.workload().ingressHost());
        }
        return new IngressBuilder().withMetadata(meta(s, s.name(), "api")).withNewSpec().withRules(rule.build())
                .endSpec().build();
    }

    private static Map<String, Object> scaledObject(DeploySettings s) {
        Workload w = s.workload();
        Map<String, Object> prometheus = new LinkedHashMap<>();
        prometheus.put("type", "prometheus");
        prometheus.put("metadata", Documents.map("serverAddress", "http://prometheus:9090",
                "query", "max(bulwark_jobs_depth{job=\"" + s.name() + "\", state=\"available\"})",
                "threshold", "100"));
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("type", "cpu");
        cpu.put("metricType", "Utilization");
        cpu.put("metadata", Documents.map("value", "70"));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("scaleTargetRef", Documents.map("name", s.name() + "-worker"));
        spec.put("minReplicaCount", w.workers());
        spec.put("maxReplicaCount", w.workers() * 4);
        spec.put("cooldownPeriod", 300);
        spec.put("triggers", List.of(prometheus, cpu));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", "keda.sh/v1alpha1");
        doc.put("kind", "ScaledObject");
        doc.put("metadata", Documents.map("name", s.name() + "-worker", "labels", labels(s, "worker")));
        doc.put("spec", spec);
        return doc;
    }

    /** The Secret key holding the viewer API key KEDA reads {@code /api/v1/scaling/metric} with. */
    public static final String KEDA_KEY_ENV = "BULWARK_KEDA_VIEWER_KEY";

    /**
     * The ScaledObject that applies Bulwark's own autoscaler decisions through KEDA: the
     * {@code metrics-api} scaler reads {@code desiredReplicas} from the API Service with a target of
     * one, so KEDA's HPA asks for exactly that many workers (an AverageValue target divides the
     * value by the target). The autoscaler then runs with its {@code dry-run} driver.
     */
    private static Map<String, Object> bulwarkScaledObject(DeploySettings s) {
        Workload w = s.workload();
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("type", "metrics-api");
        trigger.put("metadata", Documents.map("url", "http://" + s.name() + "/api/v1/scaling/metric",
                "valueLocation", "desiredReplicas", "targetValue", "1", "authMode", "bearer"));
        trigger.put("authenticationRef", Documents.map("name", s.name() + "-keda"));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("scaleTargetRef", Documents.map("name", s.name() + "-worker"));
        spec.put("minReplicaCount", w.workers());
        spec.put("maxReplicaCount", w.workers() * 4);
        spec.put("triggers", List.of(trigger));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", "keda.sh/v1alpha1");
        doc.put("kind", "ScaledObject");
        doc.put("metadata", Documents.map("name", s.name() + "-worker", "labels", labels(s, "worker")));
        doc.put("spec", spec);
        return doc;
    }

    /** The bearer token for the metrics-api scaler: a viewer key the operator puts in the Secret. */
    private static Map<String, Object> kedaAuthentication(DeploySettings s) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", "keda.sh/v1alpha1");
        doc.put("kind", "TriggerAuthentication");
        doc.put("metadata", Documents.map("name", s.name() + "-keda", "labels", labels(s, "worker")));
        doc.put("spec", Documents.map("secretTargetRef", List.of(Documents.map("parameter", "token",
                "name", s.name() + "-secrets", "key", KEDA_KEY_ENV))));
        return doc;
    }

    private static String adapterRules(DeploySettings s) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("seriesQuery", "bulwark_jobs_depth{job=\"" + s.name() + "\",state=\"available\"}");
        rule.put("resources", Documents.map("overrides", Documents.map("namespace", Documents.map("resource", "namespace"))));
        rule.put("name", Documents.map("as", "bulwark_jobs_available"));
        rule.put("metricsQuery", "max(<<.Series>>{<<.LabelMatchers>>,state=\"available\"}) by (job)");
        return "# prometheus-adapter rules (the chart's rules.external) that serve bulwark_jobs_available to the\n"
                + "# external metrics API for worker-hpa.yaml. Not a Kubernetes object: merge into your adapter's values.\n"
                + Documents.yaml(Documents.map("rules", Documents.map("external", List.of(rule))));
    }
}
