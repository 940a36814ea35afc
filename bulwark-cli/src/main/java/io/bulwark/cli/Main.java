package io.bulwark.cli;

import io.bulwark.cli.commands.BulwarkCommand;
import picocli.CommandLine;

/** Entry point of the {@code bulwark} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code: 0 success, 1 failure, 2 bad usage or config. */
    public static int run(String... args) {
        return BulwarkCommand.commandLine(System.getenv(), args).execute(args);
    }
}
