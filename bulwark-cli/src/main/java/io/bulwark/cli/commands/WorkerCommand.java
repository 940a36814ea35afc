package io.bulwark.cli.commands;

import io.bulwark.cli.internal.ConfigOptions;
import io.bulwark.server.ServerKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code bulwark worker}: a node that only runs jobs. It joins the fleet on the shared store
 * ({@code --store.url}), serves no API (just {@code /health/*} and {@code /metrics} on
 * {@code server.port}, for probes), and on SIGTERM or a drain request stops claiming, lets running
 * jobs finish within {@code server.shutdown.grace}, gives back the rest and leaves; exit 0.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run a worker-only node: jobs from the shared store, /health/* and /metrics, no API.",
                "Takes the same store, data-dir and config flags as serve, e.g.",
                "  bulwark worker --store.url=jdbc:postgresql://db/app --store.user=app --queues mail,reports"})
final class WorkerCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Option(names = "--queues", paramLabel = "Q1,Q2", description = "The queues to run (default: every queue).")
    String queues;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "Attempts at once per queue whose concurrency is not configured (default 10).")
    Integer concurrency;

    @CommandLine.Unmatched
    List<String> extra = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<String> flags = new ArrayList<>(extra);
        flags.add("--node.role=worker");
        if (queues != null) {
            flags.add("--jobs.serveQueues=" + queues);
        }
        if (concurrency != null) {
            flags.add("--jobs.concurrency=" + concurrency);
        }
        return ServeCommand.run(options.load(ServerKeys.schema(), BulwarkCommand.root(spec).env(), flags));
    }
}
