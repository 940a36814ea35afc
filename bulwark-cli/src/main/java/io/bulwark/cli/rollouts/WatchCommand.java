package io.bulwark.cli.rollouts;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.DurationOption;
import io.bulwark.cli.internal.ExitCodes;
import io.bulwark.cli.internal.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * {@code bulwark rollout watch NAME}: the status view, redrawn on a terminal (one line per change
 * otherwise) until the rollout is Healthy (exit 0) or Degraded (exit 1).
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Follow a rollout until it is Healthy (exit 0) or Degraded (exit 1).",
                "On a terminal the status view is redrawn every --interval; otherwise each change is printed as one line. "
                        + "With --max-wait, gives up after that long (exit 1). With -o json, prints each changed state as "
                        + "one JSON line."})
final class WatchCommand extends ApiCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", description = "The rollout.")
    String name;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s",
            description = "Between two reads of the rollout (default 2s).")
    String interval;

    @Option(names = "--max-wait", paramLabel = "DURATION", description = "Give up after this long (default: no limit).")
    String maxWait;

    @Override
    public Integer call() {
        Duration every = DurationOption.parse("--interval", interval, Duration.ofMillis(50), Duration.ofMinutes(10));
        Duration limit = maxWait == null ? null : DurationOption.parse("--max-wait", maxWait, Duration.ofMillis(1), Duration.ofDays(7));
        long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        boolean redraw = !output.json() && ProgressBar.terminal();
        PrintWriter out = out();
        String last = null;
        while (true) {
            JsonNode state = client().get(RolloutCommand.path(name));
            String phase = state.path("phase").asText();
            String shown = output.json() ? state.toString() : redraw ? String.join("\n", RolloutView.lines(state))
                    : RolloutView.summary(state);
            if (!Objects.equals(shown, last)) {
                if (redraw) {
                    out.print("\033[H\033[2J");
                }
                out.println(shown);
                out.flush();
                last = shown;
            }
            if (phase.equals("HEALTHY")) {
                return ExitCodes.OK;
            }
            if (phase.equals("DEGRADED")) {
                err().println("rollout " + name + " is Degraded: " + state.path("message").asText());
                err().flush();
                return ExitCodes.FAILURE;
            }
            if (System.nanoTime() + every.toNanos() > deadline) {
                throw CliException.failure("rollout " + name + " is still " + phase + " after --max-wait " + maxWait);
            }
            try {
                Thread.sleep(every.toMillis()); // the CLI's own polling pace, not a test wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CliException.failure("interrupted");
            }
        }
    }
}
