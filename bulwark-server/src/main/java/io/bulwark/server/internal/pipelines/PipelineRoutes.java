package io.bulwark.server.internal.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.json.Json;
import io.bulwark.core.validation.ValidationException;
import io.bulwark.jobs.JobRequest;
import io.bulwark.pipeline.PipelineDefinition;
import io.bulwark.pipeline.PipelineDefinitions;
import io.bulwark.pipeline.Pipelines;
import io.bulwark.pipeline.Problem;
import io.bulwark.pipeline.StepTypes;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.pipeline.store.StoredPipeline;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.Page;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;

import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * {@code /api/v1/pipelines}: viewers read definitions and validate them; operators register them
 * and start runs. A definition is JSON or YAML; registering an unchanged one returns its latest
 * version, a changed one becomes the next version (runs keep the version they started with).
 */
final class PipelineRoutes {

    /** The body of {@code POST /api/v1/pipelines/{id}/runs}. */
    record StartBody(JsonNode input, String idempotencyKey) {
    }

    /** The body of POST and validate: a definition, read by {@link DefinitionBodies}. */
    private static final RouteDoc.Body DEFINITION = RouteDoc.Body
            .of(JsonNode.class, "a pipeline definition, as JSON or YAML (see docs/pipelines.md)")
            .media("application/json", "application/yaml");

    /** How the docs describe the path parameter. */
    private static final String PIPELINE_ID = "the pipeline's id";

    private final Pipelines pipelines;
    private final Supplier<? extends Collection<String>> handlerTypes;
    private final long bodyLimit;

    PipelineRoutes(Pipelines pipelines, Supplier<? extends Collection<String>> handlerTypes, long bodyLimit) {
        this.pipelines = pipelines;
        this.handlerTypes = handlerTypes;
        this.bodyLimit = bodyLimit;
    }

    void register(ApiRoutes routes) {
        routes.get("/api/v1/pipelines", this::list, Role.VIEWER,
                RouteDoc.of("The latest version of each pipeline, by id")
                .paged()
                .answers(200, "`{\"items\":[...],\"nextCursor\"}`")
                .errors(400));
        routes.post("/api/v1/pipelines", this::create, Role.OPERATOR, RouteDoc.of("Register a pipeline definition")
                .body(DEFINITION)
                .describe("A 400 lists every problem, each as `{\"field\": \"steps[1].after[0]\", \"message\": ...}`; "
                        + "then nothing is registered.")
                .answers(201, "the stored version (`id`, `version`, `registeredAt`, `steps`, `definition`, `versions`, "
                        + "`created`), with `Location`")
                .answers(200, "the latest version, when the definition is unchanged"));
        routes.post("/api/v1/pipelines/validate", this::validate, Role.VIEWER,
                RouteDoc.of("Check a pipeline definition without registering it")
                .body(DEFINITION)
                .answers(200, "`{\"valid\", \"problems\": [{\"step\", \"field\", \"message\"}]}`"));
        routes.get("/api/v1/pipelines/{id}", this::get, Role.VIEWER,
                RouteDoc.of("A pipeline's latest version with the list of its versions")
                .path("id", PIPELINE_ID)
                .errors(400, 404));
        routes.get("/api/v1/pipelines/{id}/versions/{version}", this::version, Role.VIEWER,
                RouteDoc.of("One version of a pipeline")
                .path("id", PIPELINE_ID)
                .path("version", "the version, a whole number >= 1")
                .errors(400, 404));
        routes.post("/api/v1/pipelines/{id}/runs", this::start, Role.OPERATOR, RouteDoc.of("Start a run of a pipeline")
                .path("id", PIPELINE_ID)
                .optionalBody(StartBody.class)
                .describe("A 400 names each path of the input that breaks the pipeline's input schema "
                        + "(`input.items[2].sku`); then no run is started.")
                .answers(201, "the run (as `GET /api/v1/runs/{id}`, plus `replayed`), with `Location`")
                .answers(200, "the run a repeated `idempotencyKey` started")
                .errors(404));
    }

    private void list(Context ctx) {
        Page<StoredPipeline> page = Page.of(pipelines.store().pipelines(), StoredPipeline::id, ctx.queryParam("cursor"),
                Page.limit(ctx.queryParam("limit"), 100));
        ctx.json(new Page<>(page.items().stream().map(PipelineViews::pipeline).toList(), page.nextCursor()));
    }

    private void create(Context ctx) {
        DefinitionBodies.Document doc = DefinitionBodies.read(ctx, bodyLimit);
        List<Problem> problems = DefinitionBodies.problems(doc, types(), pipelines);
        if (!problems.isEmpty()) {
            throw refused(problems);
        }
        PipelineStore.Registered r;
        try {
            PipelineDefinition d = PipelineDefinitions.parse(doc.text(), doc.format());
            r = pipelines.register(d);
        } catch (ValidationException e) {
            throw ApiException.validation("the pipeline cannot be registered; nothing was registered", errors(e));
        }
        StoredPipeline p = r.pipeline();
        ObjectNode view = PipelineViews.withVersions(p, pipelines.store().versions(p.id()));
        view.put("created", r.created());
        ctx.status(r.created() ? 201 : 200).header("Location", "/api/v1/pipelines/" + p.id() + "/versions/" + p.version())
                .json(view);
    }

    private void validate(Context ctx) {
        DefinitionBodies.Document doc = DefinitionBodies.read(ctx, bodyLimit);
        List<Problem> problems = DefinitionBodies.problems(doc, types(), pipelines);
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("valid", problems.isEmpty());
        o.set("problems", PipelineViews.problems(problems));
        ctx.json(o);
    }

    private void get(Context ctx) {
        String id = id(ctx);
        StoredPipeline latest = pipelines.store().pipeline(id).orElseThrow(() -> notFound(id));
        ctx.json(PipelineViews.withVersions(latest, pipelines.store().versions(id)));
    }

    private void version(Context ctx) {
        String id = id(ctx);
        String raw = ctx.pathParam("version");
        int v;
        try {
            v = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            v = 0;
        }
        if (v < 1) {
            throw ApiException.validation("invalid pipeline version", List.of(new FieldError("version",
                    "must be a whole number >= 1 but was '" + raw + "'")));
        }
        int version = v;
        StoredPipeline p = pipelines.store().pipeline(id, version).orElseThrow(() -> {
            if (pipelines.store().pipeline(id).isEmpty()) {
                return notFound(id);
            }
            int latest = pipelines.store().pipeline(id).get().version();
            return ApiException.notFound("pipeline " + id + " has no version " + version + "; its versions are 1 to "
                    + latest);
        });
        ctx.json(PipelineViews.pipeline(p));
    }

    private void start(Context ctx) {
        String id = id(ctx);
        StartBody body = JsonBodies.readOptional(ctx, StartBody.class, bodyLimit).orElse(new StartBody(null, null));
        JsonNode input = body.input() == null || body.input().isNull() ? Json.mapper().createObjectNode() : body.input();
        PipelineStore.Started started;
        try {
            started = pipelines.start(id, input, body.idempotencyKey());
        } catch (NoSuchElementException e) {
            throw notFound(id);
        } catch (ValidationException e) {
            List<FieldError> errors = e.problems().stream().map(p -> new FieldError(inputPath(p.field()), p.message()))
                    .toList();
            throw ApiException.validation("the input does not match the input schema of pipeline " + id + " ("
                    + errors.size() + (errors.size() == 1 ? " problem" : " problems") + "); no run was started", errors);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("invalid run request", List.of(new FieldError(
                    e.getMessage().startsWith("idempotencyKey") ? "idempotencyKey" : "(body)", e.getMessage())));
        }
        var run = started.run();
        ObjectNode view = RunRoutes.view(pipelines, run);
        view.put("replayed", started.replayed());
        ctx.status(started.replayed() ? 200 : 201).header("Location", "/api/v1/runs/" + run.id()).json(view);
    }

    /** {@code $.items[2].sku} (the schema validator's path into the input) as the body's {@code input.items[2].sku}. */
    static String inputPath(String jsonPath) {
        if (jsonPath == null || jsonPath.isEmpty() || jsonPath.equals("$")) {
            return "input";
        }
        return jsonPath.startsWith("$") ? "input" + jsonPath.substring(1) : "input." + jsonPath;
    }

    private StepTypes types() {
        return StepTypes.builtinsAnd(handlerTypes.get());
    }

    private static ApiException refused(List<Problem> problems) {
        List<FieldError> errors = problems.stream().map(Problem::toFieldProblem)
                .map(p -> new FieldError(p.field(), p.message())).toList();
        return ApiException.validation("the pipeline definition has " + (errors.size() == 1 ? "a problem"
                : errors.size() + " problems") + "; nothing was registered", errors);
    }

    private static List<FieldError> errors(ValidationException e) {
        return e.problems().stream().map(p -> new FieldError(p.field(), p.message())).toList();
    }

    static String id(Context ctx) {
        String id = ctx.pathParam("id");
        if (!JobRequest.NAME.matcher(id).matches()) {
            throw ApiException.validation("invalid pipeline id", List.of(new FieldError("id",
                    "must be 1-64 letters, digits, '.', '_' or '-' starting with a letter or digit but was '" + id + "'")));
        }
        return id;
    }

    static ApiException notFound(String id) {
        return ApiException.notFound("no pipeline named " + id + " (see GET /api/v1/pipelines)");
    }
}
