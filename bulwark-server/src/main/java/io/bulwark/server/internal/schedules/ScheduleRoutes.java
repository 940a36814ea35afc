package io.bulwark.server.internal.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.validation.ValidationException;
import io.bulwark.jobs.JobRequest;
import io.bulwark.scheduler.Firing;
import io.bulwark.scheduler.Schedule;
import io.bulwark.scheduler.ScheduleJson;
import io.bulwark.scheduler.ScheduleTarget;
import io.bulwark.scheduler.Scheduler;
import io.bulwark.scheduler.store.ScheduleRow;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.Page;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * {@code /api/v1/schedules}: viewers read schedules, their next ticks and their firings;
 * operators create, replace, delete, pause, resume and trigger them. A schedule changed here wins
 * over the config file until it is deleted.
 */
final class ScheduleRoutes {

    /** Ticks {@code GET /{name}} shows. */
    static final int NEXT_IN_VIEW = 5;
    /** Firings {@code GET /{name}} shows. */
    static final int HISTORY_IN_VIEW = 20;
    private static final int MAX_NEXT = 1000;

    /** The body of POST and PUT: a schedule, read by {@code ScheduleJson}. */
    private static final RouteDoc.Body SCHEDULE = RouteDoc.Body.of(JsonNode.class, "a schedule in its JSON form: "
            + "`name`, `cron`, `flavour`, `zone`, `job` or `pipeline`, `misfire`, `catchUpLimit`, `misfireThreshold`, "
            + "`overlap`, `jitter`, `startAt`, `endAt`, `paused`, `description` (see docs/scheduler.md)");

    /** How the docs describe the path parameter. */
    private static final String SCHEDULE_NAME = "the schedule's name";

    private final Scheduler scheduler;
    private final long bodyLimit;

    ScheduleRoutes(Scheduler scheduler, long bodyLimit) {
        this.scheduler = scheduler;
        this.bodyLimit = bodyLimit;
    }

    void register(ApiRoutes routes) {
        routes.get("/api/v1/schedules", this::list, Role.VIEWER, RouteDoc.of("Every cron schedule")
                .describe("Each in its JSON form plus `source` (config or api), `nextAt`, `version`, `createdAt`, "
                        + "`updatedAt` and `lastFiring`.")
                .paged()
                .answers(200, "`{\"items\":[...],\"nextCursor\"}`")
                .errors(400));
        routes.post("/api/v1/schedules", this::create, Role.OPERATOR, RouteDoc.of("Create a schedule")
                .body(SCHEDULE)
                .describe("A 400 lists every problem, each naming its field (`zone`, `job.priority`, ...).")
                .answers(201, "the schedule, with its `Location`")
                .errors(409));
        routes.get("/api/v1/schedules/{name}", this::get, Role.VIEWER,
                RouteDoc.of("One schedule with its next ticks and last firings")
                .path("name", SCHEDULE_NAME)
                .describe("Plus `next` (the next 5 ticks, `{\"utc\",\"local\"}`) and `history` (the last 20 firings).")
                .errors(400, 404));
        routes.put("/api/v1/schedules/{name}", this::put, Role.OPERATOR, RouteDoc.of("Create or replace a schedule")
                .path("name", SCHEDULE_NAME)
                .body(SCHEDULE)
                .describe("The body may leave `name` out, or must repeat the path's.")
                .answers(200, "the schedule, replaced")
                .answers(201, "the schedule, created"));
        routes.delete("/api/v1/schedules/{name}", this::delete, Role.OPERATOR,
                RouteDoc.of("Delete a schedule with its firings")
                .path("name", SCHEDULE_NAME)
                .answers(204, "deleted")
                .errors(400, 404));
        routes.post("/api/v1/schedules/{name}/pause", this::pause, Role.OPERATOR,
                RouteDoc.of("Pause a schedule: it stops ticking")
                .path("name", SCHEDULE_NAME)
                .answers(200, "the schedule")
                .errors(400, 404));
        routes.post("/api/v1/schedules/{name}/resume", this::resume, Role.OPERATOR,
                RouteDoc.of("Resume a schedule from its next tick after now")
                .path("name", SCHEDULE_NAME)
                .answers(200, "the schedule")
                .errors(400, 404));
        routes.post("/api/v1/schedules/{name}/trigger", this::trigger, Role.OPERATOR,
                RouteDoc.of("Fire a schedule now, whatever its overlap policy")
                .path("name", SCHEDULE_NAME)
                .answers(202, "the firing; `ref` is the job id or run id")
                .errors(400, 404, 409));
        routes.get("/api/v1/schedules/{name}/next", this::next, Role.VIEWER, RouteDoc.of("A schedule's next ticks")
                .path("name", SCHEDULE_NAME)
                .query("count", Integer.class, "how many, 1 to 1000 (default 10)")
                .answers(200, "`{\"name\",\"zone\",\"next\":[{\"utc\",\"local\"}]}`")
                .errors(400, 404));
    }

    private void list(Context ctx) {
        Page<ScheduleRow> page = Page.of(scheduler.list(), ScheduleRow::name, ctx.queryParam("cursor"),
                Page.limit(ctx.queryParam("limit"), 100));
        ctx.json(new Page<>(page.items().stream().map(this::view).toList(), page.nextCursor()));
    }

    private void create(Context ctx) {
        JsonNode body = JsonBodies.read(ctx, JsonNode.class, bodyLimit);
        Schedule s = read(body, null);
        scheduler.get(s.name()).ifPresent(old -> {
            throw ApiException.conflict("a schedule named " + s.name() + " exists (source " + old.source() + ", version "
                    + old.version() + "); replace it with PUT /api/v1/schedules/" + s.name() + " or delete it first");
        });
        ctx.status(201).header("Location", "/api/v1/schedules/" + s.name()).json(view(save(s)));
    }

    private void get(Context ctx) {
        String name = name(ctx);
        ScheduleRow row = found(name, () -> scheduler.get(name).orElseThrow());
        ObjectNode o = view(row);
        o.set("next", ScheduleViews.ticks(row.schedule(), found(name, () -> scheduler.next(name, NEXT_IN_VIEW))));
        var history = o.putArray("history");
        found(name, () -> scheduler.history(name, HISTORY_IN_VIEW)).forEach(f -> history.add(ScheduleViews.firing(f)));
        ctx.json(o);
    }

    private void put(Context ctx) {
        String name = name(ctx);
        JsonNode body = JsonBodies.read(ctx, JsonNode.class, bodyLimit);
        Schedule s = read(body, name);
        boolean existed = scheduler.get(name).isPresent();
        ctx.status(existed ? 200 : 201).json(view(save(s)));
    }

    private void delete(Context ctx) {
        String name = name(ctx);
        if (!scheduler.delete(name)) {
            throw notFound(name);
        }
        ctx.status(204);
    }

    private void pause(Context ctx) {
        String name = name(ctx);
        ctx.json(view(found(name, () -> scheduler.pause(name))));
    }

    private void resume(Context ctx) {
        String name = name(ctx);
        ctx.json(view(found(name, () -> scheduler.resume(name))));
    }

    private void trigger(Context ctx) {
        String name = name(ctx);
        Firing f;
        try {
            f = found(name, () -> scheduler.trigger(name));
        } catch (IllegalArgumentException e) {
            throw ApiException.conflict("schedule " + name + " cannot be triggered on this server: " + e.getMessage());
        }
        ctx.status(202).json(ScheduleViews.firing(f));
    }

    private void next(Context ctx) {
        String name = name(ctx);
        int count = count(ctx.queryParam("count"));
        ScheduleRow row = found(name, () -> scheduler.get(name).orElseThrow());
        ObjectNode o = io.bulwark.core.json.Json.mapper().createObjectNode();
        o.put("name", name).put("zone", row.schedule().cron().zone().getId());
        o.set("next", ScheduleViews.ticks(row.schedule(), found(name, () -> scheduler.next(name, count))));
        ctx.json(o);
    }

    private ObjectNode view(ScheduleRow row) {
        List<Scheduler.FiringView> last;
        try {
            last = scheduler.history(row.name(), 1);
        } catch (NoSuchElementException e) {
            last = List.of(); // deleted meanwhile
        }
        return ScheduleViews.row(row, last);
    }

    /** Creates or replaces {@code s}; a target no launcher on this server starts is a 400 naming it. */
    private ScheduleRow save(Schedule s) {
        try {
            return scheduler.put(s);
        } catch (IllegalArgumentException e) {
            String field = s.target() instanceof ScheduleTarget.Pipeline ? "pipeline" : "(body)";
            throw ApiException.validation("invalid schedule", List.of(new FieldError(field, e.getMessage())));
        }
    }

    private static Schedule read(JsonNode body, String nameFromPath) {
        try {
            return ScheduleJson.read(body, nameFromPath);
        } catch (ValidationException e) {
            throw ApiException.validation(e);
        }
    }

    private static int count(String text) {
        if (text == null || text.isBlank()) {
            return 10;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1 && n <= MAX_NEXT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.validation("invalid query parameter", List.of(new FieldError("count",
                "must be an integer from 1 to " + MAX_NEXT + " but was '" + text + "'")));
    }

    private static String name(Context ctx) {
        String name = ctx.pathParam("name");
        if (!JobRequest.NAME.matcher(name).matches()) {
            throw ApiException.validation("invalid schedule name", List.of(new FieldError("name",
                    "must be 1-64 letters, digits, '.', '_' or '-' starting with a letter or digit but was '" + name + "'")));
        }
        return name;
    }

    /** Runs {@code call}, turning "no such schedule" into a 404. */
    private static <T> T found(String name, Supplier<T> call) {
        try {
            return call.get();
        } catch (NoSuchElementException e) {
            throw notFound(name);
        }
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("no schedule named " + name + " (see GET /api/v1/schedules)");
    }
}
