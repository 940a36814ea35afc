package io.bulwark.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.internal.Output;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code bulwark dlq list | retry | purge}: the dead jobs of a queue. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "The dead-letter queue: inspect, retry or purge dead jobs.",
        subcommands = {DlqCommand.ListDead.class, DlqCommand.Retry.class, DlqCommand.Purge.class})
final class DlqCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Dead jobs of a queue, with their last error.")
    static final class ListDead implements Runnable {
        @Parameters(paramLabel = "QUEUE")
        String queue;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "100")
        int limit;
        @Mixin
        ServerOptions server;
        @Mixin
        OutputOption output;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            JsonNode body = server.client(BulwarkCommand.root(spec).env()).get(QueuesCommand.path(queue) + "/dead?limit=" + limit);
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                Output.json(out, body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("items").forEach(j -> {
                Map<String, Object> row = JobsCommand.row(j);
                row.put("lastError", j.path("lastError").asText());
                rows.add(row);
            });
            List<String> columns = new ArrayList<>(JobsCommand.COLUMNS);
            columns.add("lastError");
            Output.table(out, columns, rows);
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Run dead jobs again: all of the queue, or the ids given.")
    static final class Retry implements Runnable {
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;
        @Parameters(index = "1..*", paramLabel = "ID", arity = "0..*")
        List<String> ids;
        @Mixin
        ServerOptions server;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Map<String, Object> body = ids == null || ids.isEmpty() ? Map.of() : Map.of("ids", ids);
            JsonNode r = server.client(BulwarkCommand.root(spec).env()).post(QueuesCommand.path(queue) + "/dead/retry", body);
            spec.commandLine().getOut().println("Retried " + r.path("retried").asInt() + " dead jobs of queue '" + queue + "'.");
            spec.commandLine().getOut().flush();
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true, description = "Delete every dead job of a queue.")
    static final class Purge implements Runnable {
        @Parameters(paramLabel = "QUEUE")
        String queue;
        @Mixin
        ServerOptions server;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            JsonNode r = server.client(BulwarkCommand.root(spec).env()).delete(QueuesCommand.path(queue) + "/dead");
            spec.commandLine().getOut().println("Purged " + r.path("purged").asInt() + " dead jobs of queue '" + queue + "'.");
            spec.commandLine().getOut().flush();
        }
    }
}
