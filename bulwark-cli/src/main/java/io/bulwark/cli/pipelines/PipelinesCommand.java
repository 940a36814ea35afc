package io.bulwark.cli.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cli.commands.ApiCommand;
import io.bulwark.cli.commands.GroupCommand;
import io.bulwark.cli.internal.CliException;
import io.bulwark.cli.internal.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bulwark pipelines register | list | show | validate}, over the REST API. */
@Command(name = "pipelines", mixinStandardHelpOptions = true,
        description = "Pipeline definitions (JSON or YAML): register, list, show, validate. Start and follow runs with 'bulwark runs'.",
        subcommands = {PipelinesCommand.Register.class, PipelinesCommand.ListPipelines.class, PipelinesCommand.Show.class,
                PipelinesCommand.Validate.class})
final class PipelinesCommand extends GroupCommand {

    static String path(String id) {
        return "/api/v1/pipelines/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    /** The file's name before each problem line of a refusal, so the user knows what to edit. */
    static CliException inFile(CliException e, Path file) {
        return new CliException(e.exitCode(), file + ": " + e.getMessage());
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = {"Register a pipeline from a JSON or YAML file (by its extension, else its content).",
                    "An unchanged definition keeps its version; a changed one becomes the next version.",
                    "Exit 2 listing every problem (step and field) when the definition is refused."})
    static final class Register extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "FILE", description = "The definition: .json, .yaml or .yml.")
        Path file;

        @Override
        public void run() {
            DefinitionFile d = DefinitionFile.read(file);
            JsonNode p;
            try {
                p = client().postText("/api/v1/pipelines", d.contentType(), d.text());
            } catch (CliException e) {
                throw inFile(e, file);
            }
            if (output.json()) {
                Output.json(out(), p);
                return;
            }
            String id = p.path("id").asText();
            int version = p.path("version").asInt();
            out().println(p.path("created").asBoolean()
                    ? "Registered pipeline " + id + " version " + version + " (" + p.path("steps").asInt() + " steps)"
                    : "Pipeline " + id + " is unchanged: still version " + version);
            out().flush();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every pipeline's latest version: id, version, steps, when it was registered.")
    static final class ListPipelines extends ApiCommand implements Runnable {
        @Override
        public void run() {
            JsonNode body = client().get("/api/v1/pipelines?limit=500");
            if (output.json()) {
                Output.json(out(), body);
                return;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            body.path("items").forEach(p -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", p.path("id").asText());
                r.put("version", p.path("version").asInt());
                r.put("steps", p.path("steps").asInt());
                r.put("registeredAt", p.path("registeredAt").asText());
                rows.add(r);
            });
            Output.table(out(), List.of("id", "version", "steps", "registeredAt"), rows);
        }
    }

    // No standard help mixin: it would take --version (the CLI's version) from the pipeline's --version.
    @Command(name = "show",
            description = "A pipeline's latest version (or --version N): its steps, and every version with its time.")
    static final class Show extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--version", paramLabel = "N", description = "This version instead of the latest.")
        Integer version;

        @Override
        public void run() {
            if (version != null && version < 1) {
                throw CliException.usage("--version must be 1 or more but was " + version);
            }
            JsonNode p = client().get(version == null ? path(id) : path(id) + "/versions/" + version);
            if (output.json()) {
                Output.json(out(), p);
                return;
            }
            PrintWriter out = out();
            out.println("pipeline      " + p.path("id").asText());
            out.println("version       " + p.path("version").asInt());
            out.println("registeredAt  " + p.path("registeredAt").asText());
            JsonNode def = p.path("definition");
            if (def.has("inputSchema")) {
                out.println("inputSchema   " + def.get("inputSchema"));
            }
            out.println();
            List<Map<String, Object>> rows = new ArrayList<>();
            def.path("steps").forEach(s -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("step", s.path("id").asText());
                r.put("type", s.path("type").asText());
                List<String> after = new ArrayList<>();
                s.path("after").forEach(a -> after.add(a.isTextual() ? a.asText()
                        : a.path("step").asText() + " when " + a.path("when").asText()));
                r.put("after", after.isEmpty() ? null : String.join(", ", after));
                r.put("forEach", s.has("forEach") ? s.get("forEach").isTextual() ? s.get("forEach").asText()
                        : s.get("forEach").toString() : null);
                r.put("onFailure", s.has("onFailure") ? s.get("onFailure").isTextual() ? s.get("onFailure").asText()
                        : "fallback " + s.get("onFailure").path("fallback").asText() : null);
                rows.add(r);
            });
            Output.table(out, List.of("step", "type", "after", "forEach", "onFailure"), rows);
            if (p.has("versions")) {
                out.println();
                out.println("Versions:");
                List<Map<String, Object>> versions = new ArrayList<>();
                p.path("versions").forEach(v -> {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("version", v.path("version").asInt());
                    r.put("registeredAt", v.path("registeredAt").asText());
                    versions.add(r);
                });
                Output.table(out, List.of("version", "registeredAt"), versions);
            }
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Check a JSON or YAML definition on the server without registering it.",
                    "Exit 0 when it is valid, 2 listing every problem (step and field) when not."})
    static final class Validate extends ApiCommand implements Runnable {
        @Parameters(paramLabel = "FILE", description = "The definition: .json, .yaml or .yml.")
        Path file;

        @Override
        public void run() {
            DefinitionFile d = DefinitionFile.read(file);
            JsonNode r = client().postText("/api/v1/pipelines/validate", d.contentType(), d.text());
            if (output.json()) {
                Output.json(out(), r);
            }
            if (r.path("valid").asBoolean()) {
                if (!output.json()) {
                    out().println(file + " is a valid pipeline definition");
                    out().flush();
                }
                return;
            }
            StringBuilder msg = new StringBuilder(file + " has " + r.path("problems").size() + " problem"
                    + (r.path("problems").size() == 1 ? "" : "s") + ":");
            r.path("problems").forEach(p -> msg.append("\n  - ").append(p.path("field").asText())
                    .append(p.path("step").isTextual() ? " (step '" + p.path("step").asText() + "')" : "")
                    .append(": ").append(p.path("message").asText()));
            throw CliException.usage(msg.toString());
        }
    }
}
