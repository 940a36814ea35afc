package io.bulwark.cli.commands;

import io.bulwark.cli.internal.ConfigOptions;
import io.bulwark.cli.internal.ExitCodes;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.server.BulwarkServer;
import io.bulwark.server.ServerKeys;
import io.bulwark.server.logging.LogSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code bulwark serve}: runs the server until SIGTERM or SIGINT, then shuts down gracefully and
 * exits 0. A second signal during shutdown exits at once with code 1.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the Bulwark server (REST API, health, metrics) on the embedded store.",
                "Any config key can be given as a flag: --server.shutdown.grace=10s."})
final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    ConfigOptions options;

    @CommandLine.Unmatched
    java.util.List<String> extra = new java.util.ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return run(options.load(ServerKeys.schema(), BulwarkCommand.root(spec).env(), extra));
    }

    /** Runs a server (or a worker node) on {@code config} until a signal or a drain request stops it. */
    static int run(BulwarkConfig config) {
        LogSetup.configure(config.get(ServerKeys.LOG_FORMAT), config.get(ServerKeys.LOG_LEVEL));
        BulwarkServer server = BulwarkServer.builder(config).configuredStore().build().start();
        AtomicBoolean signalled = new AtomicBoolean();
        SignalHandler handler = signal -> {
            if (!signalled.compareAndSet(false, true)) {
                LOG.warn("Second SIG{} during shutdown: exiting at once", signal.getName());
                Runtime.getRuntime().halt(ExitCodes.FAILURE);
            }
            LOG.info("Received SIG{}", signal.getName());
            Thread.ofPlatform().name("bulwark-shutdown").start(server::shutdown);
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
        server.awaitStopped();
        return ExitCodes.OK;
    }
}
