package io.bulwark.cli.internal;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigInputs;
import io.bulwark.core.config.ConfigLoader;
import io.bulwark.core.config.ConfigSchema;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The options that feed config: {@code --config}, {@code --profile}, the short forms
 * ({@code --host}, {@code --port}, {@code --data-dir}, {@code --log-format}) and any config key as
 * a flag ({@code --jobs.queues.default.concurrency=8} or with the value as the next argument).
 * Declare {@code @Unmatched List<String>} in the command and pass it to {@link #load}.
 */
public final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Config file, YAML or JSON (default: ./bulwark.yaml if present; env BULWARK_CONFIG).")
    Path config;

    @Option(names = "--profile", paramLabel = "NAME", description = "dev, staging or prod (env BULWARK_PROFILE; default dev).")
    String profile;

    @Option(names = "--host", paramLabel = "ADDR", description = "Bind address (server.host).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port; 0 picks a free one (server.port).")
    String port;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (data.dir).")
    String dataDir;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text or json (log.format).")
    String logFormat;

    /** True when {@code --data-dir} was given. */
    public boolean hasDataDir() {
        return dataDir != null;
    }

    /**
     * The flags as config keys, in the order given. {@code extra} holds the arguments picocli did
     * not match (each command declares its own {@code @Unmatched} list: picocli does not take one
     * from a mixin).
     */
    public Map<String, String> flags(List<String> extra) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < extra.size(); i++) {
            String arg = extra.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw CliException.usage("unexpected argument '" + arg + "': config keys are given as --key=value, "
                        + "e.g. --server.port=9090");
            }
            String body = arg.substring(2);
            int eq = body.indexOf('=');
            if (eq >= 0) {
                flags.put(body.substring(0, eq), body.substring(eq + 1));
            } else if (i + 1 < extra.size() && !extra.get(i + 1).startsWith("--")) {
                flags.put(body, extra.get(++i));
            } else {
                throw CliException.usage("option '--" + body + "' needs a value: --" + body + "=VALUE");
            }
        }
        put(flags, "server.host", host);
        put(flags, "server.port", port);
        put(flags, "data.dir", dataDir);
        put(flags, "log.format", logFormat);
        return flags;
    }

    /** Loads the config; throws {@link io.bulwark.core.config.ConfigException} listing every problem. */
    public BulwarkConfig load(ConfigSchema schema, Map<String, String> env, List<String> extra) {
        Optional<Path> file = Optional.ofNullable(config)
                .or(() -> Optional.ofNullable(env.get("BULWARK_CONFIG")).filter(s -> !s.isBlank()).map(Path::of));
        return ConfigLoader.load(schema, new ConfigInputs(file, Path.of("").toAbsolutePath(), env, flags(extra),
                Optional.ofNullable(profile)));
    }

    private static void put(Map<String, String> flags, String key, String value) {
        if (value != null) {
            flags.put(key, value);
        }
    }
}
