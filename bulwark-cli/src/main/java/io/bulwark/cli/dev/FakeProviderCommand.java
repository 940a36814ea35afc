package io.bulwark.cli.dev;

import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.ExitCodes;
import io.bulwark.core.units.Durations;
import io.bulwark.test.provider.FakeMode;
import io.bulwark.test.provider.FakeProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bulwark dev fake-provider}: runs a {@link FakeProvider} until SIGTERM or SIGINT, then
 * exits 0. It prints one line saying where it listens. Bad flags exit 2 naming the flag and what
 * is allowed; so does a taken port, like {@code serve}.
 */
@Command(name = "fake-provider", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a local OpenAI-compatible provider to try the gateway with: no network,",
                "no API key. POST /v1/chat/completions answers a chat.completion that echoes",
                "the last user message (Server-Sent Events with \"stream\": true);",
                "GET /v1/models lists the model 'fake'.",
                "Slow it down or make it fail with the flags below, or while it runs:",
                "  curl -X POST localhost:9000/fake/mode \\",
                "    -d '{\"latency\":\"2s\",\"failRate\":0.5,\"failStatus\":503}'",
                "Also retryAfter (a 429 carries Retry-After) and cutAfterChunks (streams",
                "break off after that many chunks; 0 drops the connection unanswered).",
                "GET /fake/mode shows the mode; GET /fake/stats counts requests and failures.",
                "Runs until SIGTERM or Ctrl-C, then exits 0."})
final class FakeProviderCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Bind address (default 127.0.0.1).")
    String host;

    @Option(names = "--port", defaultValue = "9000", paramLabel = "PORT",
            description = "Port, 0 to 65535; 0 picks a free one (default 9000).")
    int port;

    @Option(names = "--latency", defaultValue = "0ms", paramLabel = "DURATION",
            description = "Wait this long before each answer, 0s to 10m (default 0ms).")
    String latency;

    @Option(names = "--fail-rate", defaultValue = "0.0", paramLabel = "RATE",
            description = "Share of requests answered with --fail-status, 0.0 to 1.0 (default 0.0).")
    double failRate;

    @Option(names = "--fail-status", defaultValue = "503", paramLabel = "STATUS",
            description = "Status of a failed request, 400 to 599 (default 503).")
    int failStatus;

    @Option(names = "--retry-after", defaultValue = "0s", paramLabel = "DURATION",
            description = "Retry-After of a failed request, 0s to 1h; 0s: none, but a 429 always carries one (1s) (default 0s).")
    String retryAfter;

    @Option(names = "--cut-after-chunks", defaultValue = "-1", paramLabel = "N",
            description = "Break streamed answers off after N chunks, without their end; 0 drops the connection before "
                    + "answering; -1 never (default -1).")
    int cutAfterChunks;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the fail-rate draws, so a run fails the same requests again (default: random).")
    Long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        FakeMode mode = mode();
        if (port < 0 || port > 65535) {
            throw CliException.usage("--port must be from 0 to 65535 but was " + port);
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw CliException.usage("--host '" + host + "' is not an address of this machine, e.g. 127.0.0.1 or 0.0.0.0");
        }
        FakeProvider fake;
        try {
            fake = FakeProvider.start(address, mode, seed == null ? new Random() : new Random(seed), InstantSource.system());
        } catch (BindException e) {
            throw CliException.usage("cannot listen on " + host + ":" + port + ": " + e.getMessage()
                    + "; is another fake provider or server running there? Pick another --port (0 picks a free one)");
        } catch (IOException e) {
            throw CliException.failure("cannot start the fake provider on " + host + ":" + port + ": " + e.getMessage());
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        PrintWriter out = spec.commandLine().getOut();
        out.println("Fake OpenAI-compatible provider listening on " + fake.uri() + " (POST /v1/chat/completions, "
                + "GET /v1/models; " + mode + (seed == null ? "" : ", seed " + seed)
                + "); change it with POST /fake/mode; Ctrl-C stops it");
        out.flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            fake.close();
        }
        return ExitCodes.OK;
    }

    /** The start mode from the flags, each problem naming its flag. */
    FakeMode mode() {
        Duration parsed;
        try {
            parsed = Durations.parse(latency);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--latency " + e.getMessage());
        }
        String problem = FakeMode.latencyProblem(parsed);
        if (problem != null) {
            throw CliException.usage("--latency " + problem);
        }
        problem = FakeMode.failRateProblem(failRate);
        if (problem != null) {
            throw CliException.usage("--fail-rate " + problem);
        }
        problem = FakeMode.failStatusProblem(failStatus);
        if (problem != null) {
            throw CliException.usage("--fail-status " + problem);
        }
        Duration after;
        try {
            after = Durations.parse(retryAfter);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--retry-after " + e.getMessage());
        }
        problem = FakeMode.retryAfterProblem(after);
        if (problem != null) {
            throw CliException.usage("--retry-after " + problem);
        }
        problem = FakeMode.cutAfterChunksProblem(cutAfterChunks);
        if (problem != null) {
            throw CliException.usage("--cut-after-chunks " + problem);
        }
        return new FakeMode(parsed, failRate, failStatus, after, cutAfterChunks);
    }
}
