package io.bulwark.cli.commands;

import io.bulwark.cli.internal.Output;
import picocli.CommandLine.Option;

/** {@code --output table|json}. */
public final class OutputOption {

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    Output.Format format = Output.Format.table;

    public boolean json() {
        return format == Output.Format.json;
    }
}
