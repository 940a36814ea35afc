package io.bulwark.server;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigInputs;
import io.bulwark.core.config.ConfigLoader;
import io.bulwark.core.health.HealthCheck;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Starts real servers on random ports with a temporary data directory. */
final class TestServers {

    private TestServers() {
    }

    static BulwarkConfig config(Path dataDir, Map<String, String> flags) {
        return config(dataDir, flags, Map.of(), null);
    }

    static BulwarkConfig config(Path dataDir, Map<String, String> flags, Map<String, String> env, String profile) {
        Map<String, String> all = new HashMap<>();
        all.put("server.port", "0");
        all.put("data.dir", dataDir.toString());
        all.putAll(flags);
        return ConfigLoader.load(ServerKeys.schema(), new ConfigInputs(Optional.empty(), dataDir, env, all,
                Optional.ofNullable(profile)));
    }

    static BulwarkServer start(Path dataDir, Map<String, String> flags, List<HealthCheck> checks) {
        BulwarkServer.Builder b = BulwarkServer.builder(config(dataDir, flags));
        checks.forEach(b::healthCheck);
        return b.build().start();
    }

    static BulwarkServer start(Path dataDir, Map<String, String> flags) {
        return start(dataDir, flags, List.of());
    }

    static BulwarkServer start(Path dataDir) {
        return start(dataDir, Map.of());
    }
}
