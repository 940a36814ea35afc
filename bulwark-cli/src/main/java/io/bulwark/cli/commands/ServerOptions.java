package io.bulwark.cli.commands;

import io.bulwark.cli.internal.ApiClient;
import io.bulwark.cli.internal.CliException;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code --url} and {@code --api-key}, for commands that call a running server. */
public final class ServerOptions {

    @Option(names = "--url", paramLabel = "URL", description = "The server (env BULWARK_URL; default http://127.0.0.1:8080).")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY", description = "API key (env BULWARK_API_KEY).")
    String apiKey;

    ApiClient client(Map<String, String> env) {
        String u = url != null ? url : env.getOrDefault("BULWARK_URL", "http://127.0.0.1:8080");
        if (u.isBlank()) {
            throw CliException.usage("--url is empty");
        }
        return new ApiClient(u, apiKey != null ? apiKey : env.get("BULWARK_API_KEY"));
    }
}
