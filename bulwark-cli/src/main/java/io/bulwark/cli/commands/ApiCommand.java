package io.bulwark.cli.commands;

import io.bulwark.cli.internal.ApiClient;
import io.bulwark.cli.internal.Output;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.Map;

/** A command that calls a running server: {@code --url}, {@code --api-key}, {@code --output}. */
public abstract class ApiCommand {

    @Mixin
    protected ServerOptions server;

    @Mixin
    protected OutputOption output;

    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;

    protected ApiClient client() {
        return server.client(BulwarkCommand.root(spec).env());
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Standard error: progress and summaries that must not mix with the output. */
    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code line} as text, or {@code json} with {@code --output json}. */
    protected void report(String line, Map<String, Object> json) {
        if (output.json()) {
            Output.json(out(), json);
        } else {
            out().println(line);
            out().flush();
        }
    }
}
