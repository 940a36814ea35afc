package io.bulwark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a compose file needs to start, checked without Docker: every service has an image; every
 * {@code depends_on} names a service, and one waited on as {@code service_healthy} has a health
 * check; named volumes are declared; bind-mounted paths exist beside the file; no host port is
 * published twice; every variable the file requires ({@code ${VAR:?...}}) is listed in
 * {@code .env.example}. Where {@code docker compose} is installed, {@link Validation} also runs
 * {@code docker compose config}.
 */
final class ComposeCheck {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern REQUIRED = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*):\\?");

    private ComposeCheck() {
    }

    static List<String> problems(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        Path dir = file.getParent();
        JsonNode doc = YAML.readTree(file.toFile());
        JsonNode services = doc.path("services");
        if (!services.isObject() || services.isEmpty()) {
            return List.of("no services");
        }
        Set<String> volumes = new HashSet<>();
        doc.path("volumes").fieldNames().forEachRemaining(volumes::add);
        Set<String> ports = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode s = e.getValue();
            if (s.path("image").asText("").isBlank() && !s.has("build")) {
                out.add("service " + name + ": no image");
            }
            for (Iterator<Map.Entry<String, JsonNode>> d = s.path("depends_on").fields(); d.hasNext(); ) {
                Map.Entry<String, JsonNode> dep = d.next();
                JsonNode target = services.path(dep.getKey());
                if (target.isMissingNode()) {
                    out.add("service " + name + ": depends_on names '" + dep.getKey() + "', which is not a service");
                } else if (dep.getValue().path("condition").asText().equals("service_healthy") && !target.has("healthcheck")) {
                    out.add("service " + name + ": waits for " + dep.getKey() + " to be healthy, but it has no healthcheck");
                }
            }
            for (JsonNode v : s.path("volumes")) {
                String source = v.asText().split(":", 2)[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    if (source.startsWith(".") && !Files.exists(dir.resolve(source).normalize())) {
                        out.add("service " + name + ": bind mount " + source + " does not exist beside the compose file");
                    }
                } else if (!volumes.contains(source)) {
                    out.add("service " + name + ": volume '" + source + "' is not declared under volumes");
                }
            }
            for (JsonNode p : s.path("ports")) {
                String host = p.asText().split(":")[0];
                if (!ports.add(host)) {
                    out.add("service " + name + ": host port " + host + " is published twice");
                }
            }
        }
        Set<String> listed = new HashSet<>();
        Path env = dir.resolve(".env.example");
        if (Files.exists(env)) {
            for (String line : Files.readAllLines(env)) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0) {
                    listed.add(line.substring(0, eq).trim());
                }
            }
        }
        Matcher m = REQUIRED.matcher(Files.readString(file));
        Set<String> reported = new HashSet<>();
        while (m.find()) {
            if (!listed.contains(m.group(1)) && reported.add(m.group(1))) {
                out.add("variable " + m.group(1) + " is required but not listed in .env.example");
            }
        }
        return out;
    }
}
