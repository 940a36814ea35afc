package io.bulwark.cli.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.Output;
import io.bulwark.cli.internal.ProgressBar;
import io.bulwark.core.units.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bulwark cache warm NAME}: starts a warm-up from the cache's warm-up URL and follows it
 * (progress bar on stderr) until it ends, unless {@code --no-wait}.
 */
@Command(name = "warm", mixinStandardHelpOptions = true,
        description = "Warm a cache from its warm-up URL (cache.<name>.warmUrl) and wait for the end, with progress.")
final class WarmCache extends ApiCommand implements Runnable {

    private static final long POLL_MILLIS = 200;

    @Parameters(paramLabel = "NAME", description = "The cache.")
    String name;
    @Option(names = "--no-wait", description = "Return once the warm-up started.")
    boolean noWait;
    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "How long to wait for the end (default 10m).")
    String timeout;

    @Override
    public void run() {
        Duration limit = io.bulwark.cli.internal.DurationOption.parse("--timeout", timeout);
        JsonNode progress = client().post(CacheCommand.path(name) + "/warm", Map.of());
        if (!noWait) {
            progress = follow(progress, limit);
        }
        if (output.json()) {
            Output.json(out(), progress);
        } else {
            out().println((noWait ? "Started warming cache " : "Warmed cache ") + name + ": " + summary(progress));
            out().flush();
        }
        if (progress.path("state").asText().equals("FAILED")) {
            throw CliException.failure("warming cache " + name + " failed: " + progress.path("error").asText());
        }
    }

    private JsonNode follow(JsonNode progress, Duration limit) {
        ProgressBar bar = new ProgressBar(err(), "warm " + name, "keys", ProgressBar.terminal());
        long deadline = System.nanoTime() + limit.toNanos();
        boolean started = false;
        while (progress.path("state").asText().equals("RUNNING")) {
            long total = progress.path("total").asLong();
            if (!started && total > 0) {
                bar.start(total);
                started = true;
            }
            if (started) {
                bar.update(progress.path("loaded").asLong() + progress.path("failed").asLong());
            }
            if (System.nanoTime() > deadline) {
                throw CliException.failure("warming cache " + name + " still runs after " + Durations.format(limit)
                        + " (" + summary(progress) + "); follow it with 'bulwark cache show " + name + "'");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CliException.failure("interrupted");
            }
            progress = client().get(CacheCommand.path(name)).path("warm").path("last");
        }
        if (started) {
            bar.finish(progress.path("loaded").asLong() + progress.path("failed").asLong());
        }
        return progress;
    }

    /** "DONE: 998 of 1000 keys loaded, 2 failed". */
    static String summary(JsonNode p) {
        String s = p.path("state").asText().toLowerCase(Locale.ROOT) + ": " + p.path("loaded").asLong() + " of "
                + p.path("total").asLong() + " keys loaded, " + p.path("failed").asLong() + " failed";
        return p.hasNonNull("error") ? s + " (" + p.path("error").asText() + ")" : s;
    }
}
