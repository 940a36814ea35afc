package io.bulwark.deploy.internal;

import io.bulwark.deploy.Artifact;
import io.bulwark.deploy.DeploySettings;
import io.bulwark.deploy.Workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A docker compose project under {@code compose/}: the API, the workers, PostgreSQL with a volume
 * and a health check, Redis, Prometheus scraping every node (workers found by DNS) with the alert
 * rules, and Grafana with the dashboards provisioned. Services start in order of health
 * ({@code depends_on: condition: service_healthy}); passwords come from {@code .env}.
 */
public final class ComposeFiles {

    static final String POSTGRES_IMAGE = "postgres:16";
    static final String REDIS_IMAGE = "redis:7";
    static final String PROMETHEUS_IMAGE = "prom/prometheus:v2.53.0";
    static final String GRAFANA_IMAGE = "grafana/grafana:11.1.0";
    /** Variables the compose file requires from {@code .env}. */
    public static final List<String> REQUIRED_ENV = List.of("POSTGRES_PASSWORD", "BULWARK_ADMIN_KEY", "GRAFANA_ADMIN_PASSWORD");

    private ComposeFiles() {
    }

    public static List<Artifact> generate(DeploySettings s) {
        List<Artifact> out = new ArrayList<>();
        out.add(new Artifact("compose/docker-compose.yml", compose(s)));
        out.add(new Artifact("compose/.env.example", env(s)));
        out.add(new Artifact("compose/bulwark.yaml", "# Plain configuration for every node; secrets come from .env.\n"
                + Documents.yaml(config(s))));
        out.add(new Artifact("compose/prometheus/prometheus.yml", prometheus(s)));
        out.add(new Artifact("compose/prometheus/rules/bulwark-alerts.yml", PrometheusFiles.rules(s)));
        for (Artifact a : GrafanaFiles.generate(s)) {
            out.add(new Artifact("compose/" + a.path(), a.content()));
        }
        out.add(new Artifact("compose/README.md", readme(s)));
        return out;
    }

    private static Map<String, Object> config(DeploySettings s) {
        Map<String, Object> c = new LinkedHashMap<>(s.workload().config());
        c.put("server.shutdown.drainDelay", Documents.promDuration(s.workload().drainDelay()));
        c.put("server.shutdown.grace", Documents.promDuration(s.workload().shutdownGrace()));
        return c;
    }

    /** Secret variables beyond the store's and the admin key, passed through from .env. */
    private static List<String> passedThrough(Workload w) {
        return w.secretEnv().stream().filter(e -> !e.startsWith("BULWARK_STORE_") && !e.equals("BULWARK_AUTH_ADMIN_KEY"))
                .toList();
    }

    private static String compose(DeploySettings s) {
        Workload w = s.workload();
        Map<String, Object> services = new LinkedHashMap<>();
        services.put("postgres", Documents.map(
                "image", POSTGRES_IMAGE,
                "environment", Documents.map("POSTGRES_DB", "bulwark", "POSTGRES_USER", "bulwark",
                        "POSTGRES_PASSWORD", required("POSTGRES_PASSWORD")),
                "volumes", List.of("pgdata:/var/lib/postgresql/data"),
                "healthcheck", health(List.of("CMD-SHELL", "pg_isready -U bulwark -d bulwark"), "5s"),
                "restart", "unless-stopped"));
        services.put("redis", Documents.map(
                "image", REDIS_IMAGE,
                "healthcheck", health(List.of("CMD", "redis-cli", "ping"), "5s"),
                "restart", "unless-stopped"));
        services.put("api", node(s, List.of("serve", "--config", "/etc/bulwark/bulwark.yaml", "--host", "0.0.0.0",
                "--port", String.valueOf(s.port()), "--data-dir", "/var/lib/bulwark"), w.workers() > 0, true));
        if (w.workers() > 0) {
            List<String> args = new ArrayList<>(List.of("worker", "--config", "/etc/bulwark/bulwark.yaml", "--host", "0.0.0.0",
                    "--port", String.valueOf(s.port()), "--data-dir", "/var/lib/bulwark"));
            if (!w.workerQueues().isEmpty()) {
                args.add("--queues");
                args.add(String.join(",", w.workerQueues()));
            }
            services.put("worker", node(s, args, false, false));
        }
        services.put("prometheus", Documents.map(
                "image", PROMETHEUS_IMAGE,
                "command", List.of("--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"),
                "volumes", List.of("./prometheus:/etc/prometheus:ro", "prometheus:/prometheus"),
                "ports", List.of(hostPort(s, 9090) + ":9090"),
                "depends_on", Documents.map("api", Documents.map("condition", "service_healthy")),
                "restart", "unless-stopped"));
        services.put("grafana", Documents.map(
                "image", GRAFANA_IMAGE,
                "environment", Documents.map("GF_SECURITY_ADMIN_PASSWORD", required("GRAFANA_ADMIN_PASSWORD")),
                "volumes", List.of("./grafana/provisioning:/etc/grafana/provisioning:ro",
                        "./grafana/dashboards:" + GrafanaFiles.DASHBOARDS_PATH + ":ro"),
                "ports", List.of(hostPort(s, 3000) + ":3000"),
                "depends_on", Documents.map("prometheus", Documents.map("condition", "service_started")),
                "restart", "unless-stopped"));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", s.name());
        doc.put("services", services);
        doc.put("volumes", Documents.map("pgdata", Map.of(), "prometheus", Map.of()));
        return "# " + s.name() + " on docker compose: `cp .env.example .env`, set the passwords, `docker compose up -d`.\n"
                + "# Generated by `bulwark deploy generate --target compose`.\n" + Documents.yaml(doc);
    }

    private static Map<String, Object> node(DeploySettings s, List<String> command, boolean apiRole, boolean api) {
        Workload w = s.workload();
        List<String> args = new ArrayList<>(command);
        if (apiRole) {
            args.add("--node.role=api");
        }
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("BULWARK_STORE_URL", "jdbc:postgresql://postgres:5432/bulwark");
        env.put("BULWARK_STORE_USER", "bulwark");
        env.put("BULWARK_STORE_PASSWORD", required("POSTGRES_PASSWORD"));
        env.put("BULWARK_AUTH_ADMIN_KEY", required("BULWARK_ADMIN_KEY"));
        env.put("JAVA_TOOL_OPTIONS", DockerFiles.JAVA_TOOL_OPTIONS);
        for (String e : passedThrough(w)) {
            env.put(e, required(e));
        }
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("image", w.image());
        n.put("command", args);
        n.put("environment", env);
        n.put("volumes", List.of("./bulwark.yaml:/etc/bulwark/bulwark.yaml:ro"));
        n.put("tmpfs", List.of("/var/lib/bulwark", "/tmp"));
        n.put("read_only", true);
        n.put("user", "10001:10001");
        if (api) {
            n.put("ports", List.of(s.port() + ":" + s.port()));
        } else {
            n.put("deploy", Documents.map("replicas", w.workers()));
        }
        n.put("healthcheck", health(List.of("CMD", "bulwark", "health", "--url", "http://127.0.0.1:" + s.port()), "10s"));
        n.put("stop_grace_period", (w.drainDelay().toSeconds() + w.shutdownGrace().toSeconds() + 10) + "s");
        n.put("depends_on", Documents.map("postgres", Documents.map("condition", "service_healthy"),
                "redis", Documents.map("condition", "service_healthy")));
        n.put("restart", "unless-stopped");
        return n;
    }

    /** The host port for a tool's {@code port}, moved by one when the API is published there already. */
    static int hostPort(DeploySettings s, int port) {
        return s.port() == port ? port + 1 : port;
    }

    private static Map<String, Object> health(List<String> test, String interval) {
        return Documents.map("test", test, "interval", interval, "timeout", "5s", "retries", 5, "start_period", "30s");
    }

    private static String required(String var) {
        return "${" + var + ":?set " + var + " in .env}";
    }

    private static String env(DeploySettings s) {
        StringBuilder b = new StringBuilder("# Copy to .env and set each value; docker compose refuses to start while one is empty.\n");
        for (String e : REQUIRED_ENV) {
            b.append(e).append("=\n");
        }
        for (String e : passedThrough(s.workload())) {
            b.append(e).append("=\n");
        }
        return b.toString();
    }

    private static String prometheus(DeploySettings s) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("job_name", s.name());
        job.put("metrics_path", "/metrics");
        job.put("static_configs", List.of(Documents.map("targets", List.of("api:" + s.port()))));
        if (s.workload().workers() > 0) {
            // Every replica of the worker service is an A record of its name.
            job.put("dns_sd_configs", List.of(Documents.map("names", List.of("worker"), "type", "A", "port", s.port())));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("global", Documents.map("scrape_interval", Documents.promDuration(s.scrapeInterval()),
                "evaluation_interval", Documents.promDuration(s.scrapeInterval())));
        doc.put("rule_files", List.of("rules/bulwark-alerts.yml"));
        doc.put("scrape_configs", List.of(job));
        return "# Scrapes the API and every worker replica of the compose project.\n" + Documents.yaml(doc);
    }

    private static String readme(DeploySettings s) {
        Workload w = s.workload();
        return "# " + s.name() + " on docker compose\n\n"
                + "Generated by `bulwark deploy generate --target compose`: the API (port " + s.port() + ")"
                + (w.workers() > 0 ? ", " + w.workers() + " worker(s)" : ", which also runs jobs")
                + ", PostgreSQL (volume `pgdata`), Redis, Prometheus (port " + hostPort(s, 9090) + ", with the alert rules) and "
                + "Grafana (port " + hostPort(s, 3000) + ", with the dashboards).\n\n"
                + "```bash\ncp .env.example .env   # set every value\ndocker compose up -d\ndocker compose ps        # "
                + "all healthy\n```\n\n"
                + "The image `" + w.image() + "` must have `bulwark` on its PATH: its health check is `bulwark health`. "
                + "Nodes run as user 10001 with a read-only root filesystem; `bulwark.yaml` holds the plain "
                + "configuration, `.env` the passwords and the admin key (`BULWARK_ADMIN_KEY`, the API's key).\n";
    }
}
