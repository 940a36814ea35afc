package io.bulwark.cli.internal;

import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * The {@code --watch [--interval 2s] [--count N]} options of live views, as a picocli mixin: draw,
 * and with watching on, clear the terminal and draw again every interval, until interrupted or
 * {@code count} draws (0: no end).
 *
 * <pre>{@code
 * @Mixin Redraw redraw;
 * public void run() { redraw.run(out(), () -> draw(client().get(path))); }
 * }</pre>
 */
public final class Redraw {

    @Option(names = "--watch", description = "Redraw every --interval until interrupted.")
    boolean watch;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s",
            description = "Time between redraws with --watch (default 2s).")
    String interval = "2s";

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "With --watch, stop after N redraws (default: until interrupted).")
    int count;

    /**
     * Draws once, or until interrupted when watching.
     *
     * @throws CliException (usage) when the interval or count is not valid
     */
    public void run(PrintWriter out, Runnable draw) {
        Duration every = DurationOption.parse("--interval", interval, Duration.ofMillis(100), Duration.ofHours(1));
        if (count < 0) {
            throw CliException.usage("--count must be >= 0 but was " + count);
        }
        int drawn = 0;
        while (true) {
            if (watch && drawn > 0 && ProgressBar.terminal()) {
                out.print("\033[H\033[2J");
            }
            draw.run();
            out.flush();
            drawn++;
            if (!watch || (count > 0 && drawn >= count)) {
                return;
            }
            try {
                Thread.sleep(every.toMillis()); // the CLI's own redraw pace, not a test wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
