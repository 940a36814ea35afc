package io.bulwark.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the generated artifacts are derived from: the application's name and the parts of the
 * effective configuration they depend on. The CLI builds it from {@code bulwark.yaml} and flags
 * ({@code bulwark deploy generate}); a library user can build one directly.
 *
 * <pre>{@code
 * DeploySettings s = DeploySettings.builder("shop").port(8080).heartbeat(Duration.ofSeconds(5)).build();
 * List<Artifact> files = Artifacts.generate(s, EnumSet.allOf(Target.class));
 * }</pre>
 *
 * @param name           the application: Prometheus job name, dashboard titles and uids; a DNS label
 * @param port           the HTTP port every node serves {@code /metrics} and {@code /health/*} on
 * @param scrapeTargets  {@code host:port} of each node for the plain Prometheus scrape config
 * @param scrapeInterval how often Prometheus scrapes (and evaluates rules)
 * @param heartbeat      {@code cluster.heartbeat}: the heartbeat-lag alert fires at twice it
 * @param deadAfter      {@code cluster.deadAfter}: missed heartbeats before a node is declared dead
 * @param queueWait      the 95th percentile of time from due to started above which a queue alerts
 * @param runbookUrl     where the runbooks are published; each alert links {@code runbookUrl + name + ".md"}
 * @param workload      what runs where: image, replica counts, shutdown timing, configuration
 * @param mesh          timeouts, retries and limits of the Istio objects, derived from the provider settings
 */
public record DeploySettings(String name, int port, List<String> scrapeTargets, Duration scrapeInterval,
                             Duration heartbeat, int deadAfter, Duration queueWait, String runbookUrl,
                             Workload workload, Mesh mesh) {

    /** A DNS-1123 label: what Kubernetes, Prometheus job names and Grafana uids all accept. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private static final Pattern TARGET = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}");

    public DeploySettings {
        Objects.requireNonNull(name, "name must be set");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be a DNS label (lower-case letters, digits and '-', at most "
                    + "63, starting and ending with a letter or digit) but was '" + name + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535 but was " + port);
        }
        scrapeTargets = List.copyOf(Objects.requireNonNull(scrapeTargets, "scrapeTargets must be set"));
        if (scrapeTargets.isEmpty()) {
            throw new IllegalArgumentException("scrapeTargets must name at least one host:port");
        }
        for (String t : scrapeTargets) {
            if (!TARGET.matcher(t).matches()) {
                throw new IllegalArgumentException("scrapeTargets must be host:port but one was '" + t + "'");
            }
        }
        requireSeconds("scrapeInterval", scrapeInterval);
        requireSeconds("heartbeat", heartbeat);
        requireSeconds("queueWait", queueWait);
        if (deadAfter < 2) {
            throw new IllegalArgumentException("deadAfter must be >= 2 but was " + deadAfter);
        }
        Objects.requireNonNull(workload, "workload must be set");
        Objects.requireNonNull(mesh, "mesh must be set");
        Objects.requireNonNull(runbookUrl, "runbookUrl must be set");
        if (runbookUrl.isBlank() || runbookUrl.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("runbookUrl must be a URL or path without spaces but was '" + runbookUrl + "'");
        }
    }

    private static void requireSeconds(String field, Duration d) {
        Objects.requireNonNull(d, field + " must be set");
        if (d.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException(field + " must be at least 100ms but was " + d);
        }
    }

    /** Settings with the defaults: port 8080, one target {@code localhost:8080}, 15 s scrapes. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** True when runbook links are relative paths (then {@code deploy validate} checks the files exist). */
    public boolean relativeRunbooks() {
        return !runbookUrl.contains("://");
    }

    /** Builds {@link DeploySettings}; every value is checked when {@link #build()} runs. */
    public static final class Builder {
        private final String name;
        private int port = 8080;
        private List<String> scrapeTargets;
        private Duration scrapeInterval = Duration.ofSeconds(15);
        private Duration heartbeat = Duration.ofSeconds(5);
        private int deadAfter = 3;
        private Duration queueWait = Duration.ofMinutes(1);
        private String runbookUrl = "runbooks/";
        private Workload workload = Workload.builder().build();
        private Mesh mesh = Mesh.defaults();

        private Builder(String name) {
            this.name = name;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Default: {@code localhost:<port>}. */
        public Builder scrapeTargets(List<String> targets) {
            this.scrapeTargets = targets;
            return this;
        }

        public Builder scrapeInterval(Duration interval) {
            this.scrapeInterval = interval;
            return this;
        }

        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = heartbeat;
            return this;
        }

        public Builder deadAfter(int deadAfter) {
            this.deadAfter = deadAfter;
            return this;
        }

        public Builder queueWait(Duration queueWait) {
            this.queueWait = queueWait;
            return this;
        }

        /** Default {@code runbooks/}: relative to the output directory, where the runbooks are written. */
        public Builder runbookUrl(String runbookUrl) {
            this.runbookUrl = runbookUrl;
            return this;
        }

        /** Default {@link Workload.Builder#build() Workload.builder().build()}. */
        public Builder workload(Workload workload) {
            this.workload = workload;
            return this;
        }

        /** Default {@link Mesh#defaults()}: no providers. */
        public Builder mesh(Mesh mesh) {
            this.mesh = mesh;
            return this;
        }

        public DeploySettings build() {
            List<String> targets = scrapeTargets == null || scrapeTargets.isEmpty()
                    ? List.of("localhost:" + port) : scrapeTargets;
            return new DeploySettings(name, port, targets, scrapeInterval, heartbeat, deadAfter, queueWait, runbookUrl,
                    workload, mesh);
        }
    }
}
