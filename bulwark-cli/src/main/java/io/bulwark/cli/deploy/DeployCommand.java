package io.bulwark.cli.deploy;

import io.bulwark.cli.commands.BulwarkCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.commands.OutputOption;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.ConfigOptions;
import io.bulwark.cli.internal.Output;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.deploy.Artifact;
import io.bulwark.deploy.Artifacts;
import io.bulwark.deploy.CheckResult;
import io.bulwark.deploy.DeploySettings;
import io.bulwark.deploy.Target;
import io.bulwark.deploy.Validation;
import io.bulwark.deploy.Workload;
import io.bulwark.core.config.Origin;
import io.bulwark.server.ClusterKeys;
import io.bulwark.server.ServerKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code bulwark deploy generate | validate | image}. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Generate deployment and operations artifacts from the configuration, validate them, and build "
                + "the container image.",
        subcommands = {DeployCommand.Generate.class, DeployCommand.Validate.class, DeployImageCommand.class})
final class DeployCommand extends GroupCommand {

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Write artifacts derived from the effective configuration (server.port, cluster.heartbeat, "
                    + "cluster.deadAfter) into --out: all files are written to a temporary directory first and moved "
                    + "into place at the end.",
                    "Targets: prometheus (scrape config, alert rules, their promtool unit tests), grafana (dashboards, "
                            + "provisioning), runbooks (one page per alert), kubernetes (manifests, kustomization), istio (a "
                            + "kustomize overlay on kubernetes/: VirtualService, DestinationRule, canary Deployment, Gateway; "
                            + "timeouts and retries from the providers.* and retries.* settings), helm (a chart), compose (docker compose with PostgreSQL, Redis, "
                            + "Prometheus and Grafana), docker (a Dockerfile for the distribution), or all."})
    static final class Generate implements Runnable {
        @Mixin
        ConfigOptions options;

        @Option(names = "--target", required = true, paramLabel = "LIST",
                description = "prometheus, grafana, runbooks, kubernetes, istio, helm, compose, docker (comma-separated) or all.")
        String target;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write (created when missing).")
        Path out;

        @Option(names = "--name", paramLabel = "NAME", defaultValue = "bulwark",
                description = "The application: Prometheus job name, dashboard uids and titles (a DNS label; default bulwark).")
        String name;

        @Option(names = "--scrape-target", paramLabel = "HOST:PORT",
                description = "A node for the scrape config; repeat for each (default localhost:<server.port>).")
        List<String> scrapeTargets = new ArrayList<>();

        @Option(names = "--scrape-interval", paramLabel = "DURATION", defaultValue = "15s",
                description = "How often Prometheus scrapes and evaluates rules (default 15s).")
        String scrapeInterval;

        @Option(names = "--queue-wait-alert", paramLabel = "DURATION", defaultValue = "1m",
                description = "Alert when a queue's p95 wait from due to start is above this (default 1m).")
        String queueWait;

        @Option(names = "--runbook-url", paramLabel = "URL", defaultValue = "runbooks/",
                description = "Where the runbooks are published; alerts link URL<Alert>.md (default runbooks/, "
                        + "relative to --out).")
        String runbookUrl;

        @Option(names = "--image", paramLabel = "REPO:TAG", defaultValue = "bulwark:latest",
                description = "The container image the manifests run (default bulwark:latest).")
        String image;

        @Option(names = "--replicas", paramLabel = "N", defaultValue = "2", description = "API nodes (default 2).")
        int replicas;

        @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
                description = "Worker nodes; 0 (default) makes the API nodes run jobs too.")
        int workers;

        @Option(names = "--worker-queues", paramLabel = "LIST", split = ",",
                description = "Queues the workers serve, comma-separated (default all).")
        List<String> workerQueues = new ArrayList<>();

        @Option(names = "--ingress-host", paramLabel = "HOST",
                description = "The Ingress host (default: every host); with istio, the ingress Gateway's host (default: no Gateway).")
        String ingressHost;

        @CommandLine.Unmatched
        List<String> extra = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Set<Target> targets;
            DeploySettings settings;
            try {
                targets = Target.parse(target);
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--" + e.getMessage());
            }
            BulwarkConfig config = options.load(ServerKeys.schema(), BulwarkCommand.root(spec).env(), extra);
            int port = config.get(ServerKeys.PORT);
            if (port == 0) {
                throw CliException.usage("server.port is 0 (a free port at each start), so Prometheus could not find the "
                        + "nodes: set --port or server.port");
            }
            try {
                settings = DeploySettings.builder(name).port(port).scrapeTargets(scrapeTargets)
                        .scrapeInterval(duration("--scrape-interval", scrapeInterval))
                        .heartbeat(config.get(ClusterKeys.HEARTBEAT)).deadAfter(config.get(ClusterKeys.DEAD_AFTER))
                        .queueWait(duration("--queue-wait-alert", queueWait)).runbookUrl(runbookUrl)
                        .workload(workload(config)).mesh(MeshSettings.of(config)).build();
            } catch (IllegalArgumentException e) {
                throw CliException.usage(optionName(e.getMessage()));
            }
            List<Artifact> files = Artifacts.generate(settings, targets);
            try {
                Artifacts.write(out, files);
            } catch (IOException e) {
                throw CliException.usage("--out " + out + " cannot be written: " + e.getMessage());
            }
            PrintWriter w = spec.commandLine().getOut();
            w.println("Wrote " + files.size() + " files to " + out.toAbsolutePath().normalize() + ":");
            files.forEach(f -> w.println("  " + f.path()));
            w.println("Check them with: bulwark deploy validate " + out);
            w.flush();
        }

        /**
         * Keys the manifests set themselves (port, bind address, data directory, role, shutdown timing,
         * the admin key) or that must differ per pod (the node name), which the ConfigMap must not hold.
         */
        private static final Set<String> SET_BY_MANIFESTS = Set.of(ServerKeys.PORT.name(), ServerKeys.HOST.name(),
                ServerKeys.DATA_DIR.name(), ClusterKeys.NODE_ROLE.name(), ClusterKeys.NODE_NAME.name(), ServerKeys.SHUTDOWN_GRACE.name(),
                ServerKeys.SHUTDOWN_DRAIN_DELAY.name(), ServerKeys.AUTH_ADMIN_KEY.name());

        /** The workload from the options and the config: plain keys set by the user, secret ones by name. */
        private Workload workload(BulwarkConfig config) {
            Map<String, String> plain = new java.util.TreeMap<>();
            List<String> secret = new ArrayList<>();
            plain.put("profile", config.profile().id());
            for (BulwarkConfig.Value v : config.values()) {
                Origin.Source source = v.origin().source();
                if (v.value() == null || source == Origin.Source.DEFAULT || source == Origin.Source.PROFILE
                        || SET_BY_MANIFESTS.contains(v.name())) {
                    continue;
                }
                if (v.key().secret() || connectionUrl(v.name())) {
                    secret.add(v.envName());
                } else {
                    plain.put(v.name(), v.display());
                }
            }
            return Workload.builder().image(image).replicas(replicas).workers(workers).workerQueues(workerQueues)
                    .drainDelay(config.get(ServerKeys.SHUTDOWN_DRAIN_DELAY)).shutdownGrace(config.get(ServerKeys.SHUTDOWN_GRACE))
                    .ingressHost(ingressHost).config(plain).secretEnv(secret).build();
        }

        /**
         * Store, broker and Redis URLs ({@code store.url}, {@code messaging.connections.bus.url},
         * {@code ratelimit.redis.uri}) may carry passwords: they go to the Secret too. A provider's
         * {@code baseUrl} does not (its credentials are in {@code authSecret}).
         */
        static boolean connectionUrl(String key) {
            String k = key.toLowerCase(java.util.Locale.ROOT);
            return (k.endsWith("url") || k.endsWith("uri")) && !k.endsWith("baseurl");
        }

        private static Duration duration(String option, String text) {
            return io.bulwark.cli.internal.DurationOption.parse(option, text);
        }

        /** The settings name their fields; the user knows the options. */
        private static String optionName(String message) {
            return message.replaceFirst("^image ", "--image ").replaceFirst("^replicas ", "--replicas ")
                    .replaceFirst("^workers ", "--workers ").replaceFirst("^workerQueues ", "--worker-queues ")
                    .replaceFirst("^ingressHost ", "--ingress-host ").replaceFirst("^name ", "--name ").replaceFirst("^scrapeTargets ", "--scrape-target ")
                    .replaceFirst("^scrapeInterval ", "--scrape-interval ").replaceFirst("^queueWait ", "--queue-wait-alert ")
                    .replaceFirst("^runbookUrl ", "--runbook-url ");
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Check generated artifacts with the tools that consume them (promtool, yamllint) where "
                    + "installed, and Bulwark's own checks; each check says passed, failed or skipped and why.",
                    "Exit 0 when none failed, 1 when one did."})
    static final class Validate implements Runnable {
        @Parameters(index = "0", paramLabel = "DIR", description = "A directory written by 'deploy generate'.")
        Path dir;

        @Mixin
        OutputOption output;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (!Files.isDirectory(dir)) {
                throw CliException.usage("DIR must be a directory written by 'bulwark deploy generate' but " + dir
                        + (Files.exists(dir) ? " is a file" : " does not exist"));
            }
            List<CheckResult> results;
            try {
                results = Validation.validate(dir);
            } catch (IOException e) {
                throw CliException.failure("validation could not read " + dir + ": " + e.getMessage());
            }
            PrintWriter w = spec.commandLine().getOut();
            if (output.json()) {
                Output.json(w, Map.of("passed", Validation.passed(results), "checks", results));
            } else {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (CheckResult r : results) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("check", r.check());
                    row.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
                    row.put("detail", r.status() == CheckResult.Status.FAILED ? "" : r.detail().lines().reduce((a, b) -> b)
                            .orElse(""));
                    rows.add(row);
                }
                Output.table(w, List.of("check", "status", "detail"), rows);
                for (CheckResult r : results) {
                    if (r.status() == CheckResult.Status.FAILED) {
                        w.println();
                        w.println(r.check() + " failed:");
                        r.detail().lines().forEach(l -> w.println("  " + l));
                    }
                }
            }
            w.flush();
            if (!Validation.passed(results)) {
                throw CliException.failure("validation failed");
            }
        }
    }
}
