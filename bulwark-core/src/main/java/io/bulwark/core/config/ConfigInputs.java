package io.bulwark.core.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything config is read from, gathered by the caller so that loading is a pure function
 * that tests can drive with any environment.
 *
 * @param file the file named by {@code --config}; when empty, {@code bulwark.yaml},
 *             {@code bulwark.yml} or {@code bulwark.json} in {@code workDir} is read if present
 * @param workDir where to look for the default file
 * @param env the process environment
 * @param flags config keys given as flags, name to value
 * @param profile the profile named by {@code --profile}, if any
 */
public record ConfigInputs(Optional<Path> file, Path workDir, Map<String, String> env,
                           Map<String, String> flags, Optional<String> profile) {

    public ConfigInputs {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(workDir, "workDir");
        env = Map.copyOf(env);
        flags = Map.copyOf(flags);
        Objects.requireNonNull(profile, "profile");
    }

    /** Inputs with no file, environment or flags: defaults only. */
    public static ConfigInputs defaults(Path workDir) {
        return new ConfigInputs(Optional.empty(), workDir, Map.of(), Map.of(), Optional.empty());
    }
}
