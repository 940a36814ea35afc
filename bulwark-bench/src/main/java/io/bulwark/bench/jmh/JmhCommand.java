package io.bulwark.bench.jmh;

import io.bulwark.bench.CpuTicks;
import io.bulwark.bench.Machine;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jmh [regex] [jmh options...]}: runs the JMH benchmarks compiled into this jar. Every
 * argument goes to JMH unchanged, so its whole command line works here ({@code -f 1 -wi 2 -i 3},
 * {@code -prof gc}, {@code -rf json -rff out.json}; {@code -h} prints JMH's own help).
 */
@Command(name = "jmh", description = {"Run the JMH micro benchmarks in this jar; arguments go to JMH as given.",
        "Example: jmh ApiKey -f 1 -wi 2 -i 3 -w 1s -r 1s   (jmh -h lists JMH's options)"})
public final class JmhCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "ARG", description = "A benchmark regex and/or JMH options.")
    List<String> args = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws RunnerException, IOException, InterruptedException {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args.toArray(String[]::new));
        } catch (CommandLineOptionException e) {
            spec.commandLine().getErr().println("jmh: " + e.getMessage());
            return 2;
        }
        if (options.shouldHelp()) {
            options.showHelp();
            return 0;
        }
        if (options.shouldList()) {
            new Runner(options).list();
            return 0;
        }
        spec.commandLine().getOut().println("# Machine: " + Machine.current().describe());
        Machine.busyWarning(CpuTicks.busyFraction(Duration.ofSeconds(1)))
                .ifPresent(w -> spec.commandLine().getOut().println("# " + w));
        spec.commandLine().getOut().flush();
        return new Runner(options).run().isEmpty() ? 1 : 0;
    }
}
