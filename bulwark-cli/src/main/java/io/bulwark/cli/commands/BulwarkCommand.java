package io.bulwark.cli.commands;

import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.ExitCodes;
import io.bulwark.core.BulwarkVersion;
import io.bulwark.core.config.ConfigException;
import io.bulwark.server.StartupException;
import io.bulwark.server.auth.KeyFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** The root {@code bulwark} command. */
@Command(name = "bulwark", mixinStandardHelpOptions = true, versionProvider = BulwarkCommand.Version.class,
        description = "Bulwark: durable jobs, resilient provider calls and the operations layer, in one runtime.",
        footer = {"", "Exit codes: 0 success, 1 failure, 2 bad usage or config.",
                "Server address: --url or BULWARK_URL; API key: --api-key or BULWARK_API_KEY."})
public final class BulwarkCommand implements Runnable {

    /** The root's own subcommands, listed first in help; the capabilities' follow ({@link io.bulwark.cli.CliCapabilities}). */
    private static final List<Class<?>> OWN = List.of(VersionCommand.class, ServeCommand.class, WorkerCommand.class,
            ConfigCommand.class, KeysCommand.class, HealthCommand.class);

    private final Map<String, String> env;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public BulwarkCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The environment the commands read (the process's, or a test's). */
    public Map<String, String> env() {
        return env;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A command line over the process environment. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** A command line over {@code env} with every command, with Bulwark's exit codes and error printing. */
    public static CommandLine commandLine(Map<String, String> env) {
        return build(env, all());
    }

    /**
     * A command line for running {@code args}: when the first argument names a command, only that
     * command is built, since picocli reads every command's annotations and builds its model up
     * front (with every command, a large part of a server's start); anything else (help, an
     * option, a misspelt name that picocli then suggests a fix for) gets every command.
     */
    public static CommandLine commandLine(Map<String, String> env, String[] args) {
        List<Class<?>> all = all();
        Class<?> named = args.length == 0 ? null : named(all, args[0]);
        return build(env, named == null ? all : List.of(named));
    }

    /** The first of {@code commands} whose name or an alias is {@code name}, or null. */
    private static Class<?> named(List<Class<?>> commands, String name) {
        for (Class<?> c : commands) {
            Command command = c.getAnnotation(Command.class);
            if (command != null && (command.name().equals(name) || List.of(command.aliases()).contains(name))) {
                return c;
            }
        }
        return null;
    }

    private static List<Class<?>> all() {
        List<Class<?>> all = new java.util.ArrayList<>(OWN);
        for (io.bulwark.cli.CliCapability c : io.bulwark.cli.CliCapabilities.all()) {
            all.addAll(c.commands());
        }
        return all;
    }

    /** The root with {@code commands}; with more than one, {@code help} too. */
    private static CommandLine build(Map<String, String> env, List<Class<?>> commands) {
        CommandLine cl = new CommandLine(new BulwarkCommand(env));
        commands.forEach(cl::addSubcommand);
        if (commands.size() > 1) {
            cl.addSubcommand(new CommandLine.HelpCommand());
        }
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof CliException cli) {
                err.println("error: " + cli.getMessage());
                err.flush();
                return cli.exitCode();
            }
            if (ex instanceof ConfigException config) {
                err.println(config.getMessage());
                err.flush();
                return ExitCodes.USAGE;
            }
            if (ex instanceof KeyFileException keys) {
                // A damaged key file is a state to repair, not a bug: the message names the file and the problem.
                err.println("error: " + keys.getMessage());
                err.flush();
                return ExitCodes.FAILURE;
            }
            if (ex instanceof StartupException startup) {
                err.println("error: cannot start: " + startup.getMessage());
                err.flush();
                return ExitCodes.USAGE;
            }
            err.println("error: " + ex);
            ex.printStackTrace(err);
            err.flush();
            return ExitCodes.FAILURE;
        });
        return cl;
    }

    /** Finds the root command from any subcommand's spec. */
    public static BulwarkCommand root(CommandLine.Model.CommandSpec spec) {
        return (BulwarkCommand) spec.root().userObject();
    }

    /** {@code bulwark --version}. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"bulwark " + BulwarkVersion.get()};
        }
    }
}
