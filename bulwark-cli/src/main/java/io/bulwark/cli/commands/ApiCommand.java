package io.bulwark.cli.commands;

import io.bulwark.cli.internal.ApiClient;
import io.bulwark.cli.internal.Output;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.Map;

/** A command that calls a running server: {@code --url}, {@code --api-key}, {@code --output}. */
abstract class ApiCommand {

    @Mixin
    ServerOptions server;

    @Mixin
    OutputOption output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    ApiClient client() {
        return server.client(BulwarkCommand.root(spec).env());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints {@code line} as text, or {@code json} with {@code --output json}. */
    void report(String line, Map<String, Object> json) {
        if (output.json()) {
            Output.json(out(), json);
        } else {
            out().println(line);
            out().flush();
        }
    }
}
