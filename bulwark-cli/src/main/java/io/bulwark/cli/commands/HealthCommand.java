package io.bulwark.cli.commands;

import io.bulwark.cli.internal.CliException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code bulwark health}: asks a server whether it is ready (or alive) and answers with the exit
 * code, for container health checks where the image has no curl ({@code HEALTHCHECK CMD bulwark
 * health}, a compose {@code healthcheck}).
 */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = {"Exit 0 when the server answers 200 on /health/ready (or /health/live with --live), 1 otherwise.",
                "For container health checks: no API key is needed."})
final class HealthCommand implements Runnable {

    @Option(names = "--url", paramLabel = "URL", description = "The server (env BULWARK_URL; default http://127.0.0.1:8080).")
    String url;

    @Option(names = "--live", description = "Ask /health/live (the process runs) instead of /health/ready.")
    boolean live;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2s",
            description = "How long to wait for the answer (default 2s).")
    String timeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        String base = url != null ? url : BulwarkCommand.root(spec).env().getOrDefault("BULWARK_URL", "http://127.0.0.1:8080");
        Duration wait = io.bulwark.cli.internal.DurationOption.parse("--timeout", timeout);
        URI uri;
        try {
            uri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                    + (live ? "/health/live" : "/health/ready"));
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--url must be an http(s) URL such as http://127.0.0.1:8080 but was '" + base + "'");
        }
        String what = live ? "alive" : "ready";
        HttpClient http = HttpClient.newBuilder().connectTimeout(wait).build();
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(uri).timeout(wait).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw CliException.failure("not " + what + ": " + uri + " did not answer (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failure("interrupted");
        }
        if (r.statusCode() != 200) {
            throw CliException.failure("not " + what + ": " + uri + " answered " + r.statusCode() + " " + r.body().strip());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(what);
        out.flush();
    }
}
