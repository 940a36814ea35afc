package io.bulwark.cli.cluster;

import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.internal.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bulwark locks list | acquire | release}, over the REST API. */
@Command(name = "locks", mixinStandardHelpOptions = true,
        description = "Distributed locks with fencing tokens: list, acquire, release.",
        subcommands = {LocksCommand.ListLocks.class, LocksCommand.Acquire.class, LocksCommand.Release.class})
final class LocksCommand extends GroupCommand {

    static final List<String> COLUMNS = List.of("name", "owner", "token", "acquiredAt", "until");

    static Map<String, Object> row(JsonNode l) {
        Map<String, Object> row = new LinkedHashMap<>();
        COLUMNS.forEach(c -> row.put(c, l.path(c).asText()));
        return row;
    }

    static String path(String name) {
        return "/api/v1/locks/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every lock held now.")
    static final class ListLocks extends ApiCommand implements Runnable {
        @Override
        public void run() {
            JsonNode body = client().get("/api/v1/locks");
            PrintWriter out = out();
            if (output.json()) {
                Output.json(out, body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("items").forEach(l -> rows.add(row(l)));
            Output.table(out, COLUMNS, rows);
        }
    }

    @Command(name = "acquire", mixinStandardHelpOptions = true,
            description = {"Take a lock; prints its fencing token. Exit 1 when another holder keeps it past --wait."})
    static final class Acquire extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--ttl", defaultValue = "30s", description = "How long it is held unless renewed (default 30s).")
        String ttl;
        @Option(names = "--wait", defaultValue = "0s", description = "How long to wait for it, at most 60s (default 0s).")
        String wait;
        @Option(names = "--owner", description = "Who holds it (default: the API key's id).")
        String owner;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ttl", ttl);
            body.put("wait", wait);
            if (owner != null) {
                body.put("owner", owner);
            }
            JsonNode g = client().post(path(name), body);
            if (output.json()) {
                Output.json(out(), g);
            } else {
                Output.table(out(), COLUMNS, List.of(row(g)));
            }
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true, description = "Release a lock you hold, by its token.")
    static final class Release extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--token", required = true, description = "The token the lock was granted with.")
        long token;

        @Override
        public void run() {
            client().delete(path(name) + "?token=" + token);
            report("Released " + name + " (token " + token + ")", Map.of("name", name, "token", token, "released", true));
        }
    }
}
