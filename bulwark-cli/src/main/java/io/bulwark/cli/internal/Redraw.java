package io.bulwark.cli.internal;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * The {@code --watch} loop of live views: draw, and with watching on, clear the terminal and draw
 * again every interval, until interrupted or {@code count} draws (0: no end).
 */
public final class Redraw {

    private Redraw() {
    }

    /**
     * Draws once, or until interrupted when {@code watch}.
     *
     * @param intervalOption the {@code --interval} text, checked here
     * @throws CliException (usage) when the interval or count is not valid
     */
    public static void run(PrintWriter out, boolean watch, String intervalOption, int count, Runnable draw) {
        Duration every = DurationOption.parse("--interval", intervalOption, Duration.ofMillis(100), Duration.ofHours(1));
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
