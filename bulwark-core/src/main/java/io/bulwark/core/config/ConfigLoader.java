package io.bulwark.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bulwark.core.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads config from defaults &lt; profile defaults &lt; file &lt; environment &lt; flags, checks
 * every value against the schema and reports all problems at once.
 *
 * <pre>{@code
 * BulwarkConfig config = ConfigLoader.load(schema, new ConfigInputs(
 *         Optional.empty(), Path.of("."), System.getenv(), Map.of("server.port", "9090"), Optional.empty()));
 * int port = config.get(ServerKeys.PORT);
 * }</pre>
 */
public final class ConfigLoader {

    /** The file key that names the profile, and the variable that does the same. */
    public static final String PROFILE_KEY = "profile";
    public static final String PROFILE_ENV = "BULWARK_PROFILE";

    /**
     * {@code BULWARK_} variables that are not config keys: they steer the CLI, the launcher or
     * the test suite, so they are not reported as unknown.
     */
    public static final Set<String> RESERVED_ENV = Set.of(
            PROFILE_ENV, "BULWARK_CONFIG", "BULWARK_URL", "BULWARK_API_KEY", "BULWARK_REQUIRE_SERVICES",
            "BULWARK_JAVA_OPTS", "BULWARK_JAVA_HOME", "BULWARK_HOME", "BULWARK_OUTPUT", "BULWARK_SKIP_BUILD");

    private static final List<String> DEFAULT_FILES = List.of("bulwark.yaml", "bulwark.yml", "bulwark.json");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The largest config file read. */
    static final long MAX_FILE_BYTES = 1 << 20;

    private ConfigLoader() {
    }

    /**
     * Loads and validates.
     *
     * @throws ConfigException listing every problem found
     */
    public static BulwarkConfig load(ConfigSchema schema, ConfigInputs inputs) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, Layered> layered = new LinkedHashMap<>();

        Optional<Path> file = inputs.file().or(() -> defaultFile(inputs.workDir()));
        Map<String, Object> fileValues = new LinkedHashMap<>();
        file.ifPresent(path -> readFile(schema, path, inputs.file().isPresent(), fileValues, problems));
        Object fileProfile = fileValues.remove(PROFILE_KEY);

        Profile profile = Profile.DEV;
        String profileText = inputs.profile().orElse(inputs.env().get(PROFILE_ENV));
        Origin profileOrigin = inputs.profile().isPresent() ? new Origin(Origin.Source.FLAG, "--profile")
                : inputs.env().containsKey(PROFILE_ENV) ? new Origin(Origin.Source.ENV, PROFILE_ENV)
                : new Origin(Origin.Source.FILE, file.map(Path::toString).orElse(""));
        if (profileText == null && fileProfile != null) {
            profileText = String.valueOf(fileProfile);
        }
        if (profileText != null) {
            try {
                profile = Profile.parse(profileText);
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(PROFILE_KEY, profileOrigin, e.getMessage()));
            }
        }

        String fileName = file.map(Path::toString).orElse("");
        fileValues.forEach((name, raw) ->
                accept(schema, name, raw, new Origin(Origin.Source.FILE, fileName), layered, problems));
        inputs.env().entrySet().stream()
                .filter(e -> e.getKey().startsWith(ConfigNames.ENV_PREFIX) && !RESERVED_ENV.contains(e.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> {
                    Origin origin = new Origin(Origin.Source.ENV, e.getKey());
                    Optional<String> name = schema.keyForEnv(e.getKey());
                    if (name.isEmpty()) {
                        problems.add(new ConfigProblem(e.getKey(), origin, "unknown environment variable: no config key is spelt "
                                + e.getKey() + " (keys map as server.maxRequestBody → BULWARK_SERVER_MAX_REQUEST_BODY)"));
                    } else {
                        accept(schema, name.get(), e.getValue(), origin, layered, problems);
                    }
                });
        inputs.flags().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                accept(schema, e.getKey(), e.getValue(), new Origin(Origin.Source.FLAG, "--" + e.getKey()), layered, problems));

        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        Map<String, BulwarkConfig.Value> values = new LinkedHashMap<>();
        for (ConfigKey<?> key : schema.keys()) {
            if (key.isPattern()) {
                layered.forEach((name, l) -> {
                    if (l.key == key) {
                        values.put(name, new BulwarkConfig.Value(name, key, l.value, l.origin));
                    }
                });
                continue;
            }
            Layered l = layered.get(key.name());
            if (l != null) {
                values.put(key.name(), new BulwarkConfig.Value(key.name(), key, l.value, l.origin));
            } else {
                Optional<?> def = key.defaultFor(profile);
                Origin origin = key.hasProfileDefault(profile) ? new Origin(Origin.Source.PROFILE, profile.id()) : Origin.DEFAULT;
                values.put(key.name(), new BulwarkConfig.Value(key.name(), key, def.orElse(null), origin));
            }
        }
        return new BulwarkConfig(profile, file, values);
    }

    private record Layered(ConfigKey<?> key, Object value, Origin origin) {
    }

    private static void accept(ConfigSchema schema, String name, Object raw, Origin origin,
                               Map<String, Layered> layered, List<ConfigProblem> problems) {
        Optional<ConfigKey<?>> key = schema.find(name);
        if (key.isEmpty()) {
            String hint = schema.suggest(name).map(s -> "; did you mean '" + s + "'?").orElse("");
            problems.add(new ConfigProblem(name, origin, "unknown key" + hint));
            return;
        }
        try {
            Object value = key.get().type().convert(raw);
            layered.put(name, new Layered(key.get(), value, origin));
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigProblem(name, origin, e.getMessage()));
        }
    }

    private static Optional<Path> defaultFile(Path workDir) {
        return DEFAULT_FILES.stream().map(workDir::resolve).filter(Files::isRegularFile).findFirst();
    }

    private static void readFile(ConfigSchema schema, Path path, boolean explicit, Map<String, Object> into,
                                 List<ConfigProblem> problems) {
        Origin origin = new Origin(Origin.Source.FILE, path.toString());
        if (!Files.isRegularFile(path)) {
            problems.add(new ConfigProblem("--config", origin, explicit ? "file not found" : "not a regular file"));
            return;
        }
        Object tree;
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                // The YAML parser takes time quadratic in a scalar's length: a 20 MB value took minutes.
                problems.add(new ConfigProblem("--config", origin, "is " + size + " bytes; a config file is at most "
                        + MAX_FILE_BYTES + " bytes (1 MiB)"));
                return;
            }
            ObjectMapper mapper = path.toString().endsWith(".json") ? Json.mapper() : YAML;
            // An empty or comments-only file has no content at all: it sets nothing.
            try (JsonParser parser = mapper.createParser(Files.readAllBytes(path))) {
                // A key given twice is a mistake to show, not a value to pick.
                parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
                tree = parser.nextToken() == null ? null : mapper.readValue(parser, Object.class);
            }
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            problems.add(new ConfigProblem("--config", origin, "cannot parse" + where + ": " + e.getOriginalMessage()));
            return;
        } catch (IOException e) {
            problems.add(new ConfigProblem("--config", origin, "cannot read: " + e.getMessage()));
            return;
        }
        if (tree == null) {
            return;
        }
        if (!(tree instanceof Map<?, ?> map)) {
            problems.add(new ConfigProblem("--config", origin, "expected a map of keys at the top level"));
            return;
        }
        flatten(schema, "", map, into);
    }

    private static void flatten(ConfigSchema schema, String prefix, Map<?, ?> map, Map<String, Object> into) {
        map.forEach((k, v) -> {
            String name = prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k;
            // A map under a secret key stays its (wrong) value: flattened, its keys, which may be
            // the secret itself, would become key names echoed in "unknown key" problems.
            boolean secret = schema.find(name).map(ConfigKey::secret).orElse(false);
            if (v instanceof Map<?, ?> nested && !nested.isEmpty() && !secret) {
                flatten(schema, name, nested, into);
            } else {
                into.put(name, v);
            }
        });
    }
}
