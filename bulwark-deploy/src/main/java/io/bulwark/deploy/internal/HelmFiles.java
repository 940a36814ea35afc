package io.bulwark.deploy.internal;

import io.bulwark.deploy.Artifact;
import io.bulwark.deploy.DeploySettings;
import io.bulwark.deploy.Workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Helm chart under {@code helm/<name>/} with the same objects as the {@code kubernetes} target,
 * every knob a value: {@code Chart.yaml} and {@code values.yaml} are generated from the settings
 * (so the chart's defaults are this configuration), the templates, {@code values.schema.json} and
 * {@code NOTES.txt} are the chart's fixed part, kept as resources beside this class.
 */
public final class HelmFiles {

    private static final String RESOURCES = "/io/bulwark/deploy/helm/";
    private static final List<String> FIXED = List.of("values.schema.json", "templates/_helpers.tpl",
            "templates/configmap.yaml", "templates/api.yaml", "templates/worker.yaml", "templates/autoscaling.yaml",
            "templates/policies.yaml", "templates/access.yaml", "templates/NOTES.txt");

    private HelmFiles() {
    }

    /** The chart's directory under the output. */
    public static String dir(DeploySettings s) {
        return "helm/" + s.name() + "/";
    }

    public static List<Artifact> generate(DeploySettings s) {
        List<Artifact> out = new ArrayList<>();
        out.add(new Artifact(dir(s) + "Chart.yaml", chart(s)));
        out.add(new Artifact(dir(s) + "values.yaml", values(s)));
        out.add(new Artifact(dir(s) + ".helmignore", "# Files helm package leaves out.\n.git/\n*.swp\n*.bak\n"));
        for (String f : FIXED) {
            out.add(new Artifact(dir(s) + f, resource(f)));
        }
        return out;
    }

    private static String chart(DeploySettings s) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("apiVersion", "v2");
        c.put("name", s.name());
        c.put("description", "Bulwark for " + s.name() + ": API nodes, workers, autoscaling, disruption budgets.");
        c.put("type", "application");
        c.put("version", "0.1.0");
        c.put("appVersion", tag(s.workload().image()));
        c.put("kubeVersion", ">=1.30.0-0");
        c.put("keywords", List.of("bulwark", "jobs", "resilience"));
        return Documents.yaml(c);
    }

    private static String values(DeploySettings s) {
        Workload w = s.workload();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("image", Documents.map("repository", repository(w.image()), "tag", tag(w.image()), "pullPolicy", "IfNotPresent"));
        v.put("port", s.port());
        v.put("api", Documents.map("replicas", w.replicas()));
        v.put("workers", Documents.map("replicas", w.workers(), "queues", w.workerQueues()));
        v.put("config", w.config());
        v.put("secret", Documents.map("name", "", "env", w.secretEnv()));
        v.put("shutdown", Documents.map("drainDelaySeconds", w.drainDelay().toSeconds(), "graceSeconds",
                w.shutdownGrace().toSeconds()));
        v.put("javaToolOptions", DockerFiles.JAVA_TOOL_OPTIONS);
        v.put("resources", Documents.map("requests", Documents.map("cpu", KubernetesFiles.CPU_REQUEST, "memory",
                KubernetesFiles.MEMORY_REQUEST), "limits", Documents.map("memory", KubernetesFiles.MEMORY_LIMIT)));
        Map<String, Object> api = new LinkedHashMap<>();
        api.put("enabled", true);
        api.put("minReplicas", w.replicas());
        api.put("maxReplicas", w.replicas() * 3);
        api.put("cpuUtilization", 70);
        Map<String, Object> workers = new LinkedHashMap<>();
        workers.put("enabled", true);
        workers.put("minReplicas", Math.max(1, w.workers()));
        workers.put("maxReplicas", Math.max(1, w.workers() * 4));
        workers.put("cpuUtilization", 70);
        workers.put("waitingJobsPerWorker", 100);
        workers.put("keda", false);
        workers.put("prometheusAddress", "http://prometheus:9090");
        v.put("autoscaling", Documents.map("api", api, "workers", workers));
        v.put("podDisruptionBudget", Documents.map("enabled", true, "maxUnavailable", 1));
        v.put("networkPolicy", Documents.map("enabled", true));
        v.put("ingress", Documents.map("enabled", true, "className", "", "host", w.ingressHost() == null ? "" : w.ingressHost()));
        v.put("serviceAccount", Documents.map("create", true, "name", ""));
        v.put("rbac", Documents.map("create", true));
        v.put("nodeSelector", Documents.map());
        v.put("tolerations", List.of());
        v.put("affinity", Documents.map());
        return "# Defaults derived from the configuration by `bulwark deploy generate --target helm`;\n"
                + "# values.schema.json describes every key. The Secret named by secret.name (default\n"
                + "# <release>-secrets) must hold BULWARK_AUTH_ADMIN_KEY and every variable in secret.env.\n"
                + Documents.yaml(v);
    }

    static String repository(String image) {
        String ref = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = ref.lastIndexOf(':');
        return colon > ref.lastIndexOf('/') ? ref.substring(0, colon) : ref;
    }

    static String tag(String image) {
        String ref = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = ref.lastIndexOf(':');
        return colon > ref.lastIndexOf('/') ? ref.substring(colon + 1) : "latest";
    }

    private static String resource(String file) {
        try (InputStream in = HelmFiles.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                throw new IllegalStateException("the chart file " + file + " is missing from bulwark-deploy's resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
