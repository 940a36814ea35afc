package io.bulwark.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What the Kubernetes manifests run: the image, how many API nodes and workers, when to stop
 * them, and the configuration they get (plain keys in a ConfigMap, secret ones from a Secret).
 *
 * @param image         the container image, {@code REPO:TAG}
 * @param replicas      API nodes ({@code bulwark serve})
 * @param workers       worker nodes ({@code bulwark worker}); 0 makes the API nodes run jobs too
 * @param workerQueues  the queues workers serve; empty for all
 * @param drainDelay    {@code server.shutdown.drainDelay}: readiness is 503 this long before the server stops
 * @param shutdownGrace {@code server.shutdown.grace}: in-flight requests and jobs may run this long
 * @param ingressHost   the Ingress host, or null for an Ingress that matches every host
 * @param config        plain config keys and their values for the ConfigMap's {@code bulwark.yaml}
 * @param secretEnv     environment variables the pods take from the Secret, e.g. {@code BULWARK_STORE_URL}
 */
public record Workload(String image, int replicas, int workers, List<String> workerQueues, Duration drainDelay,
                       Duration shutdownGrace, String ingressHost, Map<String, String> config, List<String> secretEnv) {

    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._\\-/:@]*");
    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern HOST = Pattern.compile("(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern ENV = Pattern.compile("[A-Z_][A-Z0-9_]*");

    public Workload {
        Objects.requireNonNull(image, "image must be set");
        if (!IMAGE.matcher(image).matches()) {
            throw new IllegalArgumentException("image must be a container image reference such as "
                    + "registry.example.com/shop/bulwark:1.4.2 but was '" + image + "'");
        }
        if (replicas < 1 || replicas > 1000) {
            throw new IllegalArgumentException("replicas must be between 1 and 1000 but was " + replicas);
        }
        if (workers < 0 || workers > 1000) {
            throw new IllegalArgumentException("workers must be between 0 and 1000 but was " + workers);
        }
        workerQueues = List.copyOf(Objects.requireNonNull(workerQueues, "workerQueues must be set"));
        for (String q : workerQueues) {
            if (!QUEUE.matcher(q).matches()) {
                throw new IllegalArgumentException("workerQueues must be queue names (letters, digits, '.', '_', '-') "
                        + "but one was '" + q + "'");
            }
        }
        Objects.requireNonNull(drainDelay, "drainDelay must be set");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace must be set");
        if (ingressHost != null && !HOST.matcher(ingressHost).matches()) {
            throw new IllegalArgumentException("ingressHost must be a DNS name such as shop.example.com but was '"
                    + ingressHost + "'");
        }
        config = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(config, "config must be set")));
        secretEnv = List.copyOf(Objects.requireNonNull(secretEnv, "secretEnv must be set"));
        for (String e : secretEnv) {
            if (!ENV.matcher(e).matches()) {
                throw new IllegalArgumentException("secretEnv must be environment variable names but one was '" + e + "'");
            }
        }
    }

    /** The seconds Kubernetes waits after SIGTERM: drain delay, grace, and 10 s for the JVM to exit. */
    public long terminationGraceSeconds() {
        return drainDelay.toSeconds() + shutdownGrace.toSeconds() + 10;
    }

    /** Defaults: image {@code bulwark:latest}, 2 API nodes, no workers, 5 s drain delay, 30 s grace. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Workload}; values are checked by {@link #build()}. */
    public static final class Builder {
        private String image = "bulwark:latest";
        private int replicas = 2;
        private int workers;
        private List<String> workerQueues = List.of();
        private Duration drainDelay = Duration.ofSeconds(5);
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private String ingressHost;
        private Map<String, String> config = Map.of();
        private List<String> secretEnv = List.of();

        private Builder() {
        }

        public Builder image(String image) {
            this.image = image;
            return this;
        }

        public Builder replicas(int replicas) {
            this.replicas = replicas;
            return this;
        }

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        public Builder workerQueues(List<String> queues) {
            this.workerQueues = queues;
            return this;
        }

        public Builder drainDelay(Duration drainDelay) {
            this.drainDelay = drainDelay;
            return this;
        }

        public Builder shutdownGrace(Duration shutdownGrace) {
            this.shutdownGrace = shutdownGrace;
            return this;
        }

        public Builder ingressHost(String host) {
            this.ingressHost = host;
            return this;
        }

        public Builder config(Map<String, String> config) {
            this.config = config;
            return this;
        }

        public Builder secretEnv(List<String> names) {
            this.secretEnv = names;
            return this;
        }

        public Workload build() {
            return new Workload(image, replicas, workers, workerQueues, drainDelay, shutdownGrace, ingressHost, config,
                    secretEnv);
        }
    }
}
