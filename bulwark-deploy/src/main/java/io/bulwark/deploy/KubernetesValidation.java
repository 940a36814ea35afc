package io.bulwark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bulwark.deploy.internal.Tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Kubernetes part of {@link Validation}: {@code kubernetes/} and {@code istio/} read together
 * through {@link ManifestCheck} (schemas, strict model, references), each kustomization's resources
 * and, when kubectl is installed, its build; and KEDA's ScaledObjects, which no schema covers.
 */
final class KubernetesValidation {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Files under kubernetes/ that are not Kubernetes objects. */
    private static final Set<String> NOT_MANIFESTS = Set.of("kustomization.yaml", "prometheus-adapter-rules.yaml");

    private KubernetesValidation() {
    }

    /** The manifest check over kubernetes/ and istio/, their kustomizations, and KEDA's ScaledObjects. */
    static List<CheckResult> checks(Path root) throws IOException {
        Path dir = root.resolve("kubernetes");
        Path istio = root.resolve("istio");
        // istio/ overlays kubernetes/: read together, its routes find the Service they name.
        List<Path> manifests = concatFiles(Validation.list(dir), Validation.list(istio)).stream()
                .filter(p -> !NOT_MANIFESTS.contains(p.getFileName().toString())).toList();
        if (manifests.isEmpty()) {
            return List.of(CheckResult.skipped("kubernetes manifests", "no kubernetes/ or istio/ files"));
        }
        List<CheckResult> out = new ArrayList<>();
        ManifestCheck.Result r = ManifestCheck.check(root, manifests);
        long mesh = r.objects().stream().filter(o -> o.getApiVersion().startsWith("networking.istio.io/")).count();
        out.add(r.problems().isEmpty()
                ? CheckResult.passed("kubernetes manifests", r.objects().size() + " objects" + (mesh > 0 ? " (" + mesh
                        + " of Istio)" : "") + " read strictly into fabric8's model; selectors and references resolve; "
                        + r.schemaSummary())
                : CheckResult.failed("kubernetes manifests", String.join("\n", r.problems())));
        Optional<Path> kubectl = Tools.find("kubectl");
        for (Path k : List.of(dir.resolve("kustomization.yaml"), istio.resolve("kustomization.yaml"))) {
            if (Files.exists(k)) {
                out.add(kustomization(root, k));
                String build = "kubectl kustomize " + root.relativize(k.getParent());
                if (kubectl.isEmpty()) {
                    out.add(CheckResult.skipped(build, "kubectl is not installed"));
                    continue;
                }
                Tools.Run run = Tools.run(root, List.of(kubectl.get().toString(), "kustomize", k.getParent().toString()));
                out.add(run.exit() == 0 ? CheckResult.passed(build, "builds; patches apply")
                        : CheckResult.failed(build, run.output()));
            }
        }
        List<Path> keda = new ArrayList<>(Validation.list(dir.resolve("keda")));
        keda.addAll(Validation.list(dir.resolve("keda-bulwark")));
        if (!keda.isEmpty()) {
            Set<String> deployments = new HashSet<>();
            r.objects().stream().filter(o -> o.getKind().equals("Deployment")).forEach(o -> deployments.add(o.getMetadata().getName()));
            List<String> problems = new ArrayList<>();
            for (Path f : keda) {
                List<JsonNode> docs = new ArrayList<>();
                try (var parser = YAML.getFactory().createParser(f.toFile())) {
                    YAML.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
                }
                Set<String> auths = new HashSet<>();
                docs.stream().filter(d -> d.path("kind").asText().equals("TriggerAuthentication"))
                        .forEach(d -> auths.add(d.path("metadata").path("name").asText()));
                JsonNode doc = docs.isEmpty() ? YAML.createObjectNode() : docs.getFirst();
                List<String> refs = new ArrayList<>();
                doc.path("spec").path("triggers").forEach(t -> {
                    if (t.has("authenticationRef")) {
                        refs.add(t.path("authenticationRef").path("name").asText());
                    }
                });
                refs.removeAll(auths);
                if (!doc.path("apiVersion").asText().equals("keda.sh/v1alpha1") || !doc.path("kind").asText().equals("ScaledObject")) {
                    problems.add(root.relativize(f) + ": not a keda.sh/v1alpha1 ScaledObject");
                } else if (!refs.isEmpty()) {
                    problems.add(root.relativize(f) + ": authenticationRef " + refs + " is not a TriggerAuthentication in the file");
                } else if (!deployments.contains(doc.path("spec").path("scaleTargetRef").path("name").asText())) {
                    problems.add(root.relativize(f) + ": scaleTargetRef '" + doc.path("spec").path("scaleTargetRef")
                            .path("name").asText() + "' is not a Deployment in kubernetes/");
                } else if (!doc.path("spec").path("triggers").isArray() || doc.path("spec").path("triggers").isEmpty()) {
                    problems.add(root.relativize(f) + ": no triggers");
                }
            }
            out.add(problems.isEmpty() ? CheckResult.passed("keda ScaledObject", "kind, target and triggers checked "
                    + "(KEDA's CRD schema is not available offline)") : CheckResult.failed("keda ScaledObject",
                    String.join("\n", problems)));
        }
        return out;
    }

    /** Every resource of a kustomization exists: a file, or a directory with its own kustomization (istio/'s base). */
    private static CheckResult kustomization(Path root, Path file) throws IOException {
        String check = root.relativize(file.getParent()).toString().equals("kubernetes") ? "kustomization"
                : "kustomization (" + root.relativize(file.getParent()) + ")";
        List<String> missing = new ArrayList<>();
        for (JsonNode res : YAML.readTree(file.toFile()).path("resources")) {
            Path p = file.getParent().resolve(res.asText()).normalize();
            if (!Files.isRegularFile(p) && !Files.isRegularFile(p.resolve("kustomization.yaml"))) {
                missing.add(res.asText());
            }
        }
        return missing.isEmpty() ? CheckResult.passed(check, "every resource exists")
                : CheckResult.failed(check, "resources missing: " + missing);
    }

    private static List<Path> concatFiles(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
