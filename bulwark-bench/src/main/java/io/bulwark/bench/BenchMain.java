package io.bulwark.bench;

import io.bulwark.bench.http.HttpBenchCommand;
import io.bulwark.bench.jmh.JmhCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bulwark-bench.jar}: {@code http} runs the end-to-end harness against a
 * real server process, {@code jmh} runs the micro benchmarks in this jar.
 *
 * <pre>{@code
 * java -jar bulwark-bench/target/bulwark-bench.jar http --clients 64 --duration 10s
 * java -jar bulwark-bench/target/bulwark-bench.jar jmh ApiKey -f 1 -wi 2 -i 3
 * java -jar bulwark-bench/target/bulwark-bench.jar soak --duration 30m
 * }</pre>
 */
@Command(name = "bulwark-bench", mixinStandardHelpOptions = true,
        description = "Bulwark benchmarks: end-to-end harnesses (HTTP, jobs, gateway, soak) and JMH micro benchmarks.",
        subcommands = {HttpBenchCommand.class, JmhCommand.class, io.bulwark.bench.jobs.JobsBenchCommand.class,
                io.bulwark.bench.gateway.GatewayBenchCommand.class, io.bulwark.bench.jobsdb.JobsDbBenchCommand.class,
                io.bulwark.bench.fleet.FleetBenchCommand.class, io.bulwark.bench.pipelines.PipelinesBenchCommand.class,
                io.bulwark.bench.soak.SoakCommand.class, io.bulwark.bench.messaging.MessagingBenchCommand.class,
                io.bulwark.bench.cache.CacheBenchCommand.class, io.bulwark.bench.dashboard.DashboardBenchCommand.class,
                io.bulwark.bench.engine.EngineBenchCommand.class})
public final class BenchMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, for tests that check option parsing without running anything. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new BenchMain());
        // JMH's own options (-f, -wi, -prof, ...) are unknown to picocli: hand them through to
        // JMH as positional arguments instead of rejecting them.
        commandLine.getSubcommands().get("jmh").setUnmatchedOptionsArePositionalParams(true);
        commandLine.getSubcommands().get("jobs").setUnmatchedOptionsArePositionalParams(false);
        // A failed run (a server that never got ready, say) is reported in one line, with the
        // server log's tail inside the message, rather than as a stack trace.
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            cl.getErr().println(cl.getCommandName() + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (e.getMessage() == null) {
                e.printStackTrace(cl.getErr()); // no message to go on: the trace is the report
            }
            cl.getErr().flush();
            return 1;
        });
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
