package io.bulwark.cli.jobs;

import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;

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
final class DlqCommand extends GroupCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Dead jobs of a queue, with their last error.")
    static final class ListDead extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "QUEUE")
        String queue;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "100")
        int limit;

        @Override
        public void run() {
            JsonNode body = client().get(QueuesCommand.path(queue) + "/dead?limit=" + limit);
            PrintWriter out = out();
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
    static final class Retry extends ApiCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;
        @Parameters(index = "1..*", paramLabel = "ID", arity = "0..*")
        List<String> ids;

        @Override
        public void run() {
            Map<String, Object> body = ids == null || ids.isEmpty() ? Map.of() : Map.of("ids", ids);
            JsonNode r = client().post(QueuesCommand.path(queue) + "/dead/retry", body);
            report("Retried " + r.path("retried").asInt() + " dead jobs of queue '" + queue + "'.",
                    Map.of("queue", queue, "retried", r.path("retried").asInt()));
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true, description = "Delete every dead job of a queue.")
    static final class Purge extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "QUEUE")
        String queue;

        @Override
        public void run() {
            JsonNode r = client().delete(QueuesCommand.path(queue) + "/dead");
            report("Purged " + r.path("purged").asInt() + " dead jobs of queue '" + queue + "'.",
                    Map.of("queue", queue, "purged", r.path("purged").asInt()));
        }
    }
}
