package io.bulwark.server.internal.pipelines;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.jobs.JobRequest;
import io.bulwark.pipeline.Pipelines;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.RunPhase;
import io.bulwark.pipeline.store.RunQuery;
import io.bulwark.pipeline.store.StoredPipeline;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.Page;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.http.Authenticator;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /api/v1/runs}: viewers list and read pipeline runs with their steps; operators cancel a
 * running run, retry a failed one from its failed step, and approve or reject a waiting approval step.
 */
final class RunRoutes {

    /** The optional body of {@code POST /api/v1/runs/{id}/cancel}. */
    record CancelBody(String reason) {
    }

    /** The optional body of {@code POST /api/v1/runs/{id}/steps/{step}/approve} and {@code .../reject}. */
    record DecisionBody(String comment) {
    }

    private static final int MAX_REASON = 500;

    /** How the docs describe the path parameters. */
    private static final String RUN_ID = "the run's id (a UUID)";
    private static final String STEP = "the approval step's id, or `id[3]` for a branch of a fan-out";

    private final Pipelines pipelines;
    private final long bodyLimit;

    RunRoutes(Pipelines pipelines, long bodyLimit) {
        this.pipelines = pipelines;
        this.bodyLimit = bodyLimit;
    }

    void register(ApiRoutes routes) {
        routes.get("/api/v1/runs", this::list, Role.VIEWER,
                RouteDoc.of("Pipeline runs, newest first, without input and steps")
                .query("pipeline", String.class, "only runs of this pipeline")
                .query("state", String.class, "only runs in this state: running, completed, failed or cancelled")
                .paged()
                .answers(200, "`{\"items\":[...],\"nextCursor\"}`")
                .errors(400));
        routes.get("/api/v1/runs/{id}", this::get, Role.VIEWER, RouteDoc.of("A run with its input, output and steps")
                .path("id", RUN_ID)
                .errors(400, 404));
        routes.post("/api/v1/runs/{id}/cancel", this::cancel, Role.OPERATOR,
                RouteDoc.of("Cancel a running run; its running steps' jobs are cancelled")
                .path("id", RUN_ID)
                .optionalBody(CancelBody.class)
                .answers(200, "the cancelled run")
                .errors(404, 409));
        routes.post("/api/v1/runs/{id}/retry", this::retry, Role.OPERATOR,
                RouteDoc.of("Restart a failed run from its failed step")
                .path("id", RUN_ID)
                .describe("Completed steps keep their outputs.")
                .answers(200, "the run")
                .errors(400, 404, 409));
        routes.post("/api/v1/runs/{id}/steps/{step}/approve", ctx -> decide(ctx, true), Role.OPERATOR,
                RouteDoc.of("Approve a waiting approval step")
                .path("id", RUN_ID)
                .path("step", STEP)
                .optionalBody(DecisionBody.class)
                .describe("The step's output records who approved: the key's name and id. `comment` is at most 500 "
                        + "characters.")
                .answers(200, "the run")
                .errors(404, 409));
        routes.post("/api/v1/runs/{id}/steps/{step}/reject", ctx -> decide(ctx, false), Role.OPERATOR,
                RouteDoc.of("Reject a waiting approval step")
                .path("id", RUN_ID)
                .path("step", STEP)
                .optionalBody(DecisionBody.class)
                .describe("The step fails with `rejected by <who>: <comment>` and its `onFailure` applies.")
                .answers(200, "the run")
                .errors(404, 409));
    }

    /** A run with its steps, in the order of the version it runs. */
    static ObjectNode view(Pipelines pipelines, PipelineRun run) {
        return PipelineViews.run(run, pipelines.store().pipeline(run.pipeline(), run.version())
                .map(StoredPipeline::definition), pipelines.output(run));
    }

    private void list(Context ctx) {
        int limit = Page.limit(ctx.queryParam("limit"), 100);
        RunPhase phase = null;
        String state = ctx.queryParam("state");
        if (state != null && !state.isBlank()) {
            try {
                phase = RunPhase.parse(state);
            } catch (IllegalArgumentException e) {
                throw ApiException.validation("invalid query parameter", List.of(new FieldError("state", e.getMessage())));
            }
        }
        String pipeline = ctx.queryParam("pipeline");
        if (pipeline != null && pipeline.isBlank()) {
            pipeline = null;
        }
        if (pipeline != null && !JobRequest.NAME.matcher(pipeline).matches()) {
            throw ApiException.validation("invalid query parameter", List.of(new FieldError("pipeline",
                    "must be a pipeline id (1-64 letters, digits, '.', '_' or '-') but was '" + pipeline + "'")));
        }
        List<PipelineRun> found = pipelines.store().runs(new RunQuery(pipeline, phase, cursor(ctx.queryParam("cursor")),
                limit + 1));
        boolean more = found.size() > limit;
        List<PipelineRun> page = more ? found.subList(0, limit) : found;
        String next = more ? encode(page.getLast().id()) : null;
        ctx.json(new Page<>(page.stream().map(PipelineViews::runSummary).toList(), next));
    }

    private void get(Context ctx) {
        UUID id = id(ctx);
        ctx.json(view(pipelines, pipelines.run(id).orElseThrow(() -> notFound(id))));
    }

    private void cancel(Context ctx) {
        UUID id = id(ctx);
        String reason = JsonBodies.readOptional(ctx, CancelBody.class, bodyLimit).map(CancelBody::reason).orElse(null);
        if (reason != null && (reason.isBlank() || reason.length() > MAX_REASON)) {
            throw ApiException.validation("invalid cancel request", List.of(new FieldError("reason",
                    "must be 1 to " + MAX_REASON + " characters, or left out")));
        }
        try {
            ctx.json(view(pipelines, pipelines.cancel(id, reason == null ? "cancelled over the API" : reason)));
        } catch (NoSuchElementException e) {
            throw notFound(id);
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    private void retry(Context ctx) {
        UUID id = id(ctx);
        try {
            ctx.json(view(pipelines, pipelines.retry(id)));
        } catch (NoSuchElementException e) {
            throw notFound(id);
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    /** Approves or rejects a waiting approval step; the decision is recorded with the caller's API key name and id. */
    private void decide(Context ctx, boolean approve) {
        UUID id = id(ctx);
        StepInstance step;
        try {
            step = StepInstance.parse(ctx.pathParam("step"));
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("invalid step", List.of(new FieldError("step", e.getMessage())));
        }
        String comment = JsonBodies.readOptional(ctx, DecisionBody.class, bodyLimit).map(DecisionBody::comment).orElse(null);
        if (comment != null && comment.length() > MAX_REASON) {
            throw ApiException.validation("invalid decision", List.of(new FieldError("comment",
                    "must be at most " + MAX_REASON + " characters, or left out")));
        }
        String by = Optional.ofNullable(ctx.<String>attribute(Authenticator.CALLER)).orElse("a caller without a key (the API is open)");
        try {
            ctx.json(view(pipelines, approve ? pipelines.approve(id, step, by, comment)
                    : pipelines.reject(id, step, by, comment)));
        } catch (NoSuchElementException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("invalid step", List.of(new FieldError("step", e.getMessage())));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    private static UUID id(Context ctx) {
        String raw = ctx.pathParam("id");
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("invalid run id", List.of(new FieldError("id", "must be a UUID but was '" + raw
                    + "'")));
        }
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("no pipeline run has the id " + id + " (see GET /api/v1/runs)");
    }

    private static String encode(UUID id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static UUID cursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("invalid query parameter", List.of(new FieldError("cursor",
                    "is not a cursor this server issued")));
        }
    }
}
