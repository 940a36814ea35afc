package io.bulwark.deploy;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What {@code bulwark deploy generate --target} can write. */
public enum Target {
    /** {@code prometheus/}: a scrape config, alert rules, and the rules' unit tests for {@code promtool test rules}. */
    PROMETHEUS,
    /** {@code grafana/}: dashboards as JSON with a datasource variable, and provisioning files. */
    GRAFANA,
    /** {@code runbooks/}: one Markdown page per alert, linked from the alert's annotations. */
    RUNBOOKS,
    /** {@code kubernetes/}: Deployments, Service, ConfigMap, HPA, KEDA, PDB, NetworkPolicy, RBAC, Ingress, kustomization. */
    KUBERNETES,
    /**
     * {@code istio/}: a kustomize overlay on {@code kubernetes/} (which it writes too): a VirtualService whose route
     * {@code primary} splits traffic 100/0 between the subsets {@code stable} and {@code canary} for the {@code istio}
     * rollout driver, with timeout and retries derived from the provider settings; a DestinationRule with those
     * subsets, outlier detection and a connection pool; a canary Deployment; an ingress Gateway for
     * {@code --ingress-host}.
     */
    ISTIO,
    /** {@code helm/<name>/}: a chart with the same objects, every knob a value, a values schema and NOTES. */
    HELM,
    /** {@code compose/}: docker compose with the API, workers, PostgreSQL, Redis, Prometheus and Grafana. */
    COMPOSE,
    /** {@code docker/}: a multi-stage Dockerfile for the distribution on a JRE 25 base, with an ahead-of-time cache recorded at build time. */
    DOCKER;

    /** The name on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every id, comma-separated, for messages. */
    public static String ids() {
        return Arrays.stream(values()).map(Target::id).collect(Collectors.joining(", "));
    }

    /**
     * Parses a comma-separated list of ids, or {@code all}.
     *
     * @throws IllegalArgumentException naming the unknown id and the allowed ones
     */
    public static Set<Target> parse(String list) {
        EnumSet<Target> out = EnumSet.noneOf(Target.class);
        for (String part : list.split(",", -1)) {
            String id = part.trim().toLowerCase(Locale.ROOT);
            if (id.equals("all")) {
                out.addAll(EnumSet.allOf(Target.class));
                continue;
            }
            Target t = Arrays.stream(values()).filter(v -> v.id().equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("target must be one of " + ids() + " or all, but was '"
                            + part.trim() + "'"));
            out.add(t);
        }
        return out;
    }
}
