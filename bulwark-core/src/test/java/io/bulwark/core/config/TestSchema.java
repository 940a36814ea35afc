package io.bulwark.core.config;

import io.bulwark.core.features.FeatureFlags;
import io.bulwark.core.units.DataSize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A small schema with a key of every type, and a fluent way to load it from any sources. */
final class TestSchema {

    static final ConfigKey<String> HOST = ConfigKey.builder("server.host", ValueTypes.string())
            .defaultValue("localhost").build();
    static final ConfigKey<Integer> PORT = ConfigKey.builder("server.port", ValueTypes.integer(1, 65535))
            .defaultValue(8080).build();
    static final ConfigKey<Integer> WORKERS = ConfigKey.builder("server.workers", ValueTypes.integer(1, 512))
            .defaultValue(8).profileDefault(Profile.PROD, 32).build();
    static final ConfigKey<DataSize> MAX_REQUEST_BODY = ConfigKey.builder("server.maxRequestBody",
                    ValueTypes.size(DataSize.ofKibibytes(1), DataSize.ofMebibytes(64)))
            .defaultValue(DataSize.ofMebibytes(1)).build();
    static final ConfigKey<Duration> SHUTDOWN_GRACE = ConfigKey.builder("server.shutdownGrace",
                    ValueTypes.duration(Duration.ZERO, Duration.ofMinutes(5)))
            .defaultValue(Duration.ofSeconds(30)).build();
    static final ConfigKey<Boolean> LOG_JSON = ConfigKey.builder("log.json", ValueTypes.bool())
            .defaultValue(false).profileDefault(Profile.PROD, true).build();
    static final ConfigKey<String> LOG_LEVEL = ConfigKey.builder("log.level", ValueTypes.oneOf("debug", "info", "warn", "error"))
            .defaultValue("info").build();
    static final ConfigKey<Secret> API_KEY = ConfigKey.builder("auth.apiKey", ValueTypes.secret()).secret().build();

    static final ConfigSchema SCHEMA = ConfigSchema.of(List.of(
            HOST, PORT, WORKERS, MAX_REQUEST_BODY, SHUTDOWN_GRACE, LOG_JSON, LOG_LEVEL, API_KEY, FeatureFlags.KEY));

    private TestSchema() {
    }

    /** Starts gathering inputs with {@code workDir} as the working directory. */
    static Inputs in(Path workDir) {
        return new Inputs(workDir);
    }

    /** The sources of one load; each setter returns this. */
    static final class Inputs {
        private final Path workDir;
        private Optional<Path> file = Optional.empty();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> flags = new LinkedHashMap<>();
        private Optional<String> profile = Optional.empty();

        private Inputs(Path workDir) {
            this.workDir = workDir;
        }

        /** Writes {@code content} to {@code name} in the work dir and names it with --config. */
        Inputs file(String name, String content) {
            return configFile(write(workDir.resolve(name), content));
        }

        /** Names {@code path} with --config, whether it exists or not. */
        Inputs configFile(Path path) {
            file = Optional.of(path);
            return this;
        }

        Inputs env(String name, String value) {
            env.put(name, value);
            return this;
        }

        Inputs flag(String key, String value) {
            flags.put(key, value);
            return this;
        }

        /** As {@code --profile}. */
        Inputs profile(String name) {
            profile = Optional.of(name);
            return this;
        }

        ConfigInputs inputs() {
            return new ConfigInputs(file, workDir, env, flags, profile);
        }

        BulwarkConfig load() {
            return ConfigLoader.load(SCHEMA, inputs());
        }

        /** Loads, expecting a ConfigException, and returns it. */
        ConfigException fails() {
            try {
                BulwarkConfig config = load();
                throw new AssertionError("expected a ConfigException but loaded " + config.values());
            } catch (ConfigException e) {
                return e;
            }
        }
    }

    static Path write(Path path, String content) {
        try {
            return Files.writeString(path, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value of {@code key} with its origin. */
    static BulwarkConfig.Value valueOf(BulwarkConfig config, String key) {
        return config.values().stream().filter(v -> v.name().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no value for " + key));
    }
}
