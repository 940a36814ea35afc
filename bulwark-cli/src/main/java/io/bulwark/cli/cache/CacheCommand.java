package io.bulwark.cli.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.Output;
import io.bulwark.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code bulwark cache list | show | get | put | invalidate | warm}, over the REST API. */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "The server's caches (cache.<name>.* in config): list, show, get, put, invalidate, warm.",
        subcommands = {CacheCommand.ListCaches.class, CacheCommand.Show.class, CacheCommand.Get.class,
                CacheCommand.Put.class, CacheCommand.Invalidate.class, WarmCache.class})
final class CacheCommand extends GroupCommand {

    static final List<String> COLUMNS = List.of("name", "levels", "status", "ttl", "l1 size", "l1 hits", "l2 size",
            "l2 hits", "warm");

    static String path(String name) {
        return "/api/v1/caches/" + encode(name);
    }

    static String keyPath(String name, String key) {
        return path(name) + "/keys/" + encode(key);
    }

    /** Percent-encoding for a path segment (a space is %20 there, not +). */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static Map<String, Object> row(JsonNode c) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", c.path("name").asText());
        List<String> levels = new ArrayList<>();
        c.path("levels").forEach(l -> levels.add(l.asText()));
        row.put("levels", String.join(",", levels));
        row.put("status", c.path("status").asText());
        row.put("ttl", c.path("ttl").asText());
        for (String level : List.of("l1", "l2")) {
            JsonNode s = c.path("stats").path(level);
            row.put(level + " size", s.isObject() ? s.path("size").asLong() : null);
            row.put(level + " hits", s.isObject() ? percent(s.path("hitRatio").asDouble()) : null);
        }
        JsonNode last = c.path("warm").path("last");
        row.put("warm", last.isObject() ? last.path("state").asText().toLowerCase(Locale.ROOT)
                : c.path("warm").hasNonNull("source") ? "never" : null);
        return row;
    }

    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every cache: levels, status, ttl, size and hit ratio per level, last warm-up.")
    static final class ListCaches extends ApiCommand implements Runnable {
        @Override
        public void run() {
            JsonNode body = client().get("/api/v1/caches?limit=500");
            if (output.json()) {
                Output.json(out(), body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("items").forEach(c -> rows.add(row(c)));
            Output.table(out(), COLUMNS, rows);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One cache: its settings, status, last warm-up and figures per level (size, hits, misses, "
                    + "hit ratio, loads, load time, evictions by cause, invalidations).")
    static final class Show extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME", description = "The cache.")
        String name;

        @Override
        public void run() {
            JsonNode c = client().get(path(name));
            if (output.json()) {
                Output.json(out(), c);
                return;
            }
            PrintWriter out = out();
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("name", c.path("name").asText());
            settings.put("levels", row(c).get("levels"));
            for (String f : List.of("status", "since", "lastError", "redis", "maximumSize", "ttl", "refreshAfter",
                    "namespace", "version")) {
                if (c.hasNonNull(f)) {
                    settings.put(f, c.get(f).asText());
                }
            }
            if (!c.path("tags").isEmpty()) {
                List<String> tags = new ArrayList<>();
                c.path("tags").forEach(t -> tags.add(t.asText()));
                settings.put("tags", String.join(",", tags));
            }
            JsonNode warm = c.path("warm");
            if (warm.hasNonNull("source")) {
                settings.put("warm", warm.path("source").asText() + (warm.path("onStart").asBoolean() ? ", on start" : "")
                        + (warm.hasNonNull("every") ? ", every " + warm.path("every").asText() : ""));
                JsonNode last = warm.path("last");
                if (last.isObject()) {
                    settings.put("last warm-up", WarmCache.summary(last));
                }
            }
            int width = settings.keySet().stream().mapToInt(String::length).max().orElse(0);
            settings.forEach((k, v) -> out.println(k + " ".repeat(width - k.length()) + "  " + v));
            out.println();
            List<String> levels = new ArrayList<>();
            c.path("stats").fieldNames().forEachRemaining(levels::add);
            List<String> columns = new ArrayList<>(List.of("figure"));
            columns.addAll(levels);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String figure : List.of("size", "hits", "misses", "hitRatio", "loads", "loadFailures", "loadTime",
                    "evictions", "evictionsByCause", "invalidations")) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("figure", figure);
                for (String level : levels) {
                    JsonNode v = c.path("stats").path(level).path(figure);
                    r.put(level, figure.equals("hitRatio") ? percent(v.asDouble()) : v.isObject() ? causes(v) : v.asText());
                }
                rows.add(r);
            }
            Output.table(out, columns, rows);
        }

        private static String causes(JsonNode byCause) {
            List<String> parts = new ArrayList<>();
            byCause.properties().forEach(e -> parts.add(e.getKey() + "=" + e.getValue().asLong()));
            return String.join(" ", parts);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "The value of a key, as JSON (from the L1, else the L2; a missing key fails with exit 1).")
    static final class Get extends ApiCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "NAME", description = "The cache.")
        String name;
        @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
        String key;

        @Override
        public void run() {
            Output.json(out(), client().get(keyPath(name, key)));
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = "Put a JSON value under a key, in every level; every other node drops its L1 copy.")
    static final class Put extends ApiCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "NAME", description = "The cache.")
        String name;
        @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
        String key;
        @Parameters(index = "2", paramLabel = "JSON", description = "The value: any JSON but null, e.g. '{\"price\": 10}'.")
        String json;
        @Option(names = "--ttl", paramLabel = "DURATION", description = "The entry's own life, e.g. 30s or 1h "
                + "(default: the cache's ttl).")
        String ttl;
        @Option(names = "--tag", paramLabel = "TAG", description = "A tag of the entry, besides the cache's (repeatable).")
        List<String> tags = new ArrayList<>();

        @Override
        public void run() {
            JsonNode value;
            try {
                value = Json.strictMapper().readTree(json);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw CliException.usage("JSON is not valid JSON" + Json.syntaxError(e)
                        + "; quote it for the shell, e.g. '{\"price\": 10}'");
            }
            if (value == null || value.isMissingNode() || value.isNull()) {
                throw CliException.usage("JSON must be a value other than null; to remove a key use "
                        + "'bulwark cache invalidate " + name + " --key KEY'");
            }
            for (String tag : tags) {
                if (tag.isEmpty() || tag.contains(",")) {
                    throw CliException.usage("--tag must be 1-200 characters without ',' but was '" + tag + "'");
                }
            }
            StringBuilder query = new StringBuilder();
            if (ttl != null) {
                query.append("ttl=").append(encode(ttl));
            }
            if (!tags.isEmpty()) {
                query.append(query.isEmpty() ? "" : "&").append("tags=").append(encode(String.join(",", tags)));
            }
            JsonNode put = client().put(keyPath(name, key) + (query.isEmpty() ? "" : "?" + query), value);
            if (output.json()) {
                Output.json(out(), put);
                return;
            }
            List<String> all = new ArrayList<>();
            put.path("tags").forEach(t -> all.add(t.asText()));
            out().println("Put " + key + " in cache " + name + " (ttl " + put.path("ttl").asText()
                    + (all.isEmpty() ? "" : ", tags " + String.join(",", all)) + ")");
            out().flush();
        }
    }

    @Command(name = "invalidate", mixinStandardHelpOptions = true,
            description = "Remove keys, every entry of tags, or everything, from both levels and every node's L1.")
    static final class Invalidate extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "NAME", description = "The cache.")
        String name;
        @Option(names = "--key", paramLabel = "KEY", description = "A key to remove (repeatable).")
        List<String> keys = new ArrayList<>();
        @Option(names = "--tag", paramLabel = "TAG", description = "A tag whose entries to remove (repeatable).")
        List<String> tags = new ArrayList<>();
        @Option(names = "--all", description = "Remove every entry of the cache.")
        boolean all;

        @Override
        public void run() {
            if (all && (!keys.isEmpty() || !tags.isEmpty())) {
                throw CliException.usage("--all removes every entry, so it cannot be combined with --key or --tag");
            }
            if (!all && keys.isEmpty() && tags.isEmpty()) {
                throw CliException.usage("name what to invalidate: --key KEY, --tag TAG (each repeatable) or --all");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            if (all) {
                body.put("all", true);
            } else {
                body.put("keys", keys);
                body.put("tags", tags);
            }
            JsonNode done = client().post(path(name) + "/invalidate", body);
            if (output.json()) {
                Output.json(out(), done);
                return;
            }
            out().println(all ? "Invalidated every entry of cache " + name
                    : "Invalidated " + count(keys.size(), "key") + " and " + count(tags.size(), "tag") + " in cache " + name);
            out().flush();
        }

        private static String count(int n, String what) {
            return n + " " + what + (n == 1 ? "" : "s");
        }
    }
}
