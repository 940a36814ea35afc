package io.bulwark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bulwark.deploy.internal.Documents;
import io.bulwark.deploy.internal.Tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks a directory written by {@link Artifacts#write} with the tools that will consume it, where
 * they are installed: {@code promtool check config}, {@code check rules} and {@code test rules}
 * (Debian: {@code apt-get install prometheus}); every dashboard query through promtool's PromQL
 * parser; {@code yamllint}; {@code kubectl kustomize}; and Bulwark's own checks that need no tool
 * (every file parses, each dashboard has the shape Grafana imports, every runbook link resolves,
 * Kubernetes objects pass their JSON schemas and fabric8's model: {@link KubernetesValidation}). A
 * check whose tool is missing is skipped with the reason, never passed.
 */
public final class Validation {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Long PromQL lines are the norm in rules files; every other yamllint default applies. */
    private static final String YAMLLINT_CONFIG = "{extends: default, rules: {line-length: disable}}";

    private Validation() {
    }

    /** Runs every check on {@code dir}; the list is in a stable order. */
    public static List<CheckResult> validate(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory");
        }
        Path root = dir.toAbsolutePath().normalize();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            // A chart's templates are Go templates, not YAML: helm checks them.
            files = walk.filter(Files::isRegularFile).filter(f -> !chartTemplate(root, f)).sorted().toList();
        }
        List<CheckResult> out = new ArrayList<>();
        out.add(parses(root, files));
        Optional<Path> promtool = Tools.find("promtool");
        out.addAll(prometheus(root, "prometheus", promtool));
        if (Files.isDirectory(root.resolve("compose/prometheus"))) {
            out.addAll(prometheus(root, "compose/prometheus", promtool));
        }
        out.addAll(grafana(root, files, promtool));
        out.add(runbooks(root));
        out.addAll(KubernetesValidation.checks(root));
        out.addAll(helm(root));
        out.addAll(compose(root));
        out.addAll(docker(root));
        out.add(yamllint(root, files));
        return out;
    }

    /** True when no check failed. */
    public static boolean passed(List<CheckResult> results) {
        return results.stream().noneMatch(r -> r.status() == CheckResult.Status.FAILED);
    }

    private static CheckResult parses(Path root, List<Path> files) {
        List<String> bad = new ArrayList<>();
        int n = 0;
        for (Path f : files) {
            String name = f.getFileName().toString();
            try {
                if (name.endsWith(".json")) {
                    Documents.jsonMapper().readTree(f.toFile());
                    n++;
                } else if (name.endsWith(".yml") || name.endsWith(".yaml")) {
                    YAML.readTree(f.toFile());
                    n++;
                }
            } catch (IOException e) {
                bad.add(root.relativize(f) + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        return bad.isEmpty() ? CheckResult.passed("files parse", n + " JSON and YAML files")
                : CheckResult.failed("files parse", String.join("\n", bad));
    }

    private static List<CheckResult> prometheus(Path root, String base, Optional<Path> promtool) throws IOException {
        Path config = root.resolve(base + "/prometheus.yml");
        List<Path> rules = list(root.resolve(base + "/rules"));
        List<Path> tests = list(root.resolve(base + "/tests"));
        String suffix = base.equals("prometheus") ? "" : " (" + base + ")";
        if (!Files.exists(config) && rules.isEmpty() && tests.isEmpty()) {
            return List.of(CheckResult.skipped("promtool", "no prometheus/ files"));
        }
        if (promtool.isEmpty()) {
            return List.of(CheckResult.skipped("promtool", "promtool is not installed (apt-get install prometheus)"));
        }
        String tool = promtool.get().toString();
        List<CheckResult> out = new ArrayList<>();
        if (Files.exists(config)) {
            out.add(tool(root, "promtool check config" + suffix, List.of(tool, "check", "config", config.toString())));
        }
        if (!rules.isEmpty()) {
            out.add(tool(root, "promtool check rules" + suffix, concat(List.of(tool, "check", "rules"), rules)));
        }
        if (!tests.isEmpty()) {
            out.add(tool(root, "promtool test rules" + suffix, concat(List.of(tool, "test", "rules"), tests)));
        }
        return out;
    }

    private static List<CheckResult> grafana(Path root, List<Path> files, Optional<Path> promtool) throws IOException {
        List<Path> dashboards = files.stream().filter(f -> f.getParent().endsWith(Path.of("grafana", "dashboards"))
                && f.getFileName().toString().endsWith(".json")).toList();
        if (dashboards.isEmpty()) {
            return List.of(CheckResult.skipped("grafana dashboards", "no grafana/dashboards/*.json"));
        }
        List<String> problems = new ArrayList<>();
        Map<String, String> queries = new LinkedHashMap<>();
        for (Path f : dashboards) {
            String name = root.relativize(f).toString();
            JsonNode d;
            try {
                d = Documents.jsonMapper().readTree(f.toFile());
            } catch (IOException e) {
                problems.add(name + ": not JSON");
                continue;
            }
            problems.addAll(DashboardShape.problems(name, d));
            int i = 0;
            for (JsonNode panel : d.path("panels")) {
                for (JsonNode t : panel.path("targets")) {
                    queries.put("q" + queries.size(), t.path("expr").asText());
                    i++;
                }
            }
            if (i == 0) {
                problems.add(name + ": no queries");
            }
        }
        List<CheckResult> out = new ArrayList<>();
        out.add(problems.isEmpty() ? CheckResult.passed("grafana dashboards", dashboards.size() + " dashboards, "
                + queries.size() + " queries") : CheckResult.failed("grafana dashboards", String.join("\n", problems)));
        if (promtool.isEmpty()) {
            out.add(CheckResult.skipped("dashboard PromQL", "promtool is not installed (apt-get install prometheus)"));
            return out;
        }
        // promtool parses PromQL only in rules files: each query becomes a recording rule, with
        // Grafana's variables replaced by values of the same type.
        List<Map<String, Object>> records = new ArrayList<>();
        queries.forEach((id, expr) -> records.add(Map.of("record", "dashboard:" + id, "expr", expr
                .replace("$__rate_interval", "5m").replace("$instance", ".*"))));
        Path tmp = Files.createTempFile("bulwark-dashboard-queries", ".yml");
        try {
            Files.writeString(tmp, Documents.yaml(Map.of("groups", List.of(Map.of("name", "dashboards",
                    "rules", records)))));
            out.add(tool(root, "dashboard PromQL", List.of(promtool.get().toString(), "check", "rules", tmp.toString())));
        } finally {
            Files.deleteIfExists(tmp);
        }
        return out;
    }

    private static CheckResult runbooks(Path root) throws IOException {
        List<Path> rules = list(root.resolve("prometheus/rules"));
        if (rules.isEmpty()) {
            return CheckResult.skipped("runbook links", "no prometheus/rules/ files");
        }
        List<String> missing = new ArrayList<>();
        Set<String> links = new HashSet<>();
        for (Path f : rules) {
            for (JsonNode group : YAML.readTree(f.toFile()).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    if (!rule.has("alert")) {
                        continue;
                    }
                    String url = rule.path("annotations").path("runbook_url").asText("");
                    if (url.isEmpty()) {
                        missing.add(rule.path("alert").asText() + ": no runbook_url annotation");
                    } else if (!url.contains("://")) {
                        links.add(url);
                        if (!Files.isRegularFile(root.resolve(url))) {
                            missing.add(rule.path("alert").asText() + ": " + url + " does not exist under " + root);
                        }
                    }
                }
            }
        }
        return missing.isEmpty() ? CheckResult.passed("runbook links", links.isEmpty()
                ? "links are absolute URLs (not checked)" : links.size() + " runbooks found")
                : CheckResult.failed("runbook links", String.join("\n", missing));
    }

    private static List<CheckResult> docker(Path root) throws IOException {
        Path file = root.resolve("docker/Dockerfile");
        if (!Files.exists(file)) {
            return List.of(CheckResult.skipped("Dockerfile", "no docker/Dockerfile"));
        }
        List<CheckResult> out = new ArrayList<>();
        List<String> problems = DockerfileCheck.problems(file);
        out.add(problems.isEmpty() ? CheckResult.passed("Dockerfile", "stages, non-root user, HEALTHCHECK, exec-form "
                + "entrypoint") : CheckResult.failed("Dockerfile", String.join("\n", problems)));
        Optional<Path> hadolint = Tools.find("hadolint");
        out.add(hadolint.isEmpty() ? CheckResult.skipped("hadolint", "hadolint is not installed")
                : tool(root, "hadolint", List.of(hadolint.get().toString(), file.toString())));
        return out;
    }

    private static List<CheckResult> compose(Path root) throws IOException {
        Path file = root.resolve("compose/docker-compose.yml");
        if (!Files.exists(file)) {
            return List.of(CheckResult.skipped("compose", "no compose/docker-compose.yml"));
        }
        List<CheckResult> out = new ArrayList<>();
        List<String> problems = ComposeCheck.problems(file);
        out.add(problems.isEmpty() ? CheckResult.passed("compose file", "services, dependencies, volumes, ports and "
                + "required variables resolve") : CheckResult.failed("compose file", String.join("\n", problems)));
        Optional<Path> docker = Tools.find("docker");
        Tools.Run probe = docker.isPresent() ? Tools.run(root, List.of(docker.get().toString(), "compose", "version"))
                : new Tools.Run(1, "");
        if (probe.exit() != 0) {
            out.add(CheckResult.skipped("docker compose config", "docker compose is not installed"));
            return out;
        }
        Path env = Files.createTempFile("bulwark-compose", ".env");
        try {
            StringBuilder values = new StringBuilder();
            for (String line : Files.readAllLines(root.resolve("compose/.env.example"))) {
                if (!line.startsWith("#") && line.endsWith("=")) {
                    values.append(line).append("placeholder\n");
                }
            }
            Files.writeString(env, values);
            out.add(tool(root.resolve("compose"), "docker compose config", List.of(docker.get().toString(), "compose",
                    "--env-file", env.toString(), "-f", file.toString(), "config", "--quiet")));
        } finally {
            Files.deleteIfExists(env);
        }
        return out;
    }

    private static boolean chartTemplate(Path root, Path f) {
        Path rel = root.relativize(f);
        return rel.getNameCount() >= 4 && rel.getName(0).toString().equals("helm") && rel.getName(2).toString().equals("templates");
    }

    private static List<CheckResult> helm(Path root) throws IOException {
        Path dir = root.resolve("helm");
        List<Path> charts;
        if (!Files.isDirectory(dir)) {
            return List.of(CheckResult.skipped("helm", "no helm/ charts"));
        }
        try (Stream<Path> s = Files.list(dir)) {
            charts = s.filter(p -> Files.isRegularFile(p.resolve("Chart.yaml"))).sorted().toList();
        }
        Optional<Path> helm = Tools.find("helm");
        if (helm.isEmpty()) {
            return List.of(CheckResult.skipped("helm", "helm is not installed (https://helm.sh/docs/intro/install/); "
                    + "Bulwark's build lints and templates the chart with helm-java"));
        }
        List<CheckResult> out = new ArrayList<>();
        for (Path chart : charts) {
            String name = root.relativize(chart).toString();
            out.add(tool(root, "helm lint " + name, List.of(helm.get().toString(), "lint", "--strict", chart.toString())));
            Tools.Run template = Tools.run(root, List.of(helm.get().toString(), "template", "bulwark-check", chart.toString(),
                    "--kube-version", "1.31.0"));
            if (template.exit() != 0) {
                out.add(CheckResult.failed("helm template " + name, template.output()));
                continue;
            }
            ManifestCheck.Result r = ManifestCheck.check("helm template " + name, template.output());
            out.add(r.problems().isEmpty() ? CheckResult.passed("helm template " + name, r.objects().size()
                    + " objects read strictly into fabric8's model; " + r.schemaSummary()) : CheckResult.failed("helm template " + name,
                    String.join("\n", r.problems())));
        }
        return out;
    }

    private static CheckResult yamllint(Path root, List<Path> files) throws IOException {
        List<Path> yaml = files.stream().filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
                .toList();
        if (yaml.isEmpty()) {
            return CheckResult.skipped("yamllint", "no YAML files");
        }
        Optional<Path> tool = Tools.find("yamllint");
        if (tool.isEmpty()) {
            return CheckResult.skipped("yamllint", "yamllint is not installed (apt-get install yamllint)");
        }
        return tool(root, "yamllint", concat(List.of(tool.get().toString(), "--strict", "-f", "parsable", "-d",
                YAMLLINT_CONFIG), yaml));
    }

    private static CheckResult tool(Path root, String check, List<String> command) throws IOException {
        Tools.Run run = Tools.run(root, command);
        return run.exit() == 0 ? CheckResult.passed(check, firstLines(run.output(), 3))
                : CheckResult.failed(check, run.output());
    }

    private static String firstLines(String s, int n) {
        return String.join("\n", s.lines().limit(n).toList());
    }

    private static List<String> concat(List<String> head, List<Path> tail) {
        List<String> all = new ArrayList<>(head);
        tail.forEach(p -> all.add(p.toString()));
        return all;
    }

    /** The YAML files directly in {@code dir}, sorted; none when it does not exist. */
    static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
        }
    }
}
