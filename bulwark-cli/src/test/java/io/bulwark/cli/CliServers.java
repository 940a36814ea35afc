package io.bulwark.cli;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigInputs;
import io.bulwark.core.config.ConfigLoader;
import io.bulwark.server.ServerKeys;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The config of a server the CLI tests talk to: a free port, {@code dir} as data, quiet access log, plus {@code flags}. */
final class CliServers {

    private CliServers() {
    }

    static BulwarkConfig config(Path dir, Map<String, String> flags) {
        Map<String, String> all = new HashMap<>(Map.of("server.port", "0", "data.dir", dir.toString(), "log.access", "false"));
        all.putAll(flags);
        return ConfigLoader.load(ServerKeys.schema(), new ConfigInputs(Optional.empty(), dir, Map.of(), all, Optional.empty()));
    }
}
