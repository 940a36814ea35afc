package io.bulwark.server.internal.jobs;

import io.bulwark.jobs.JobRequest;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.QueueSettings;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.QueueCounts;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.Page;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * {@code /api/v1/queues}: state, settings, pause and resume, and the dead-letter queue
 * (list, retry, purge). Viewers read; operators change.
 */
public final class QueueRoutes {

    /** The body of {@code POST /api/v1/queues/{name}/dead/retry}; no ids means every dead job. */
    public record RetryBody(List<UUID> ids) {
    }

    /** How the docs describe the path parameter. */
    private static final String QUEUE_NAME = "the queue's name: 1 to 64 letters, digits, '.', '_' or '-'";

    private final JobsRuntime jobs;
    private final long bodyLimit;

    public QueueRoutes(JobsRuntime jobs, long bodyLimit) {
        this.jobs = jobs;
        this.bodyLimit = bodyLimit;
    }

    public void register(ApiRoutes routes) {
        routes.get("/api/v1/queues", this::list, Role.VIEWER,
                RouteDoc.of("Every queue: counts by state, throughput and settings")
                .describe("Per queue: counts by state, jobs in flight on this node, completions per second on this "
                        + "node over the last minute (`completedPerSecond`), the age of the oldest available job, and "
                        + "its settings.")
                .answers(200, "`{\"queues\":[...]}`"));
        routes.get("/api/v1/queues/{name}", this::get, Role.VIEWER, RouteDoc.of("One queue")
                .path("name", QUEUE_NAME)
                .errors(400));
        routes.put("/api/v1/queues/{name}", this::put, Role.OPERATOR, RouteDoc.of("Change a queue's settings")
                .path("name", QUEUE_NAME)
                .body(QueueView.class)
                .describe("Absent fields keep their value; the settings are persisted. Ranges: `concurrency` 1-10000, "
                        + "`ratePerSecond` 0-1000000, `burst` 1-1000000, `maxSize` 0-2147483647, `discardAfter` "
                        + "1ms-3650d or `never` (the default time a job may wait once due before it ends `expired`).")
                .answers(200, "the queue"));
        routes.post("/api/v1/queues/{name}/pause", ctx -> paused(ctx, true), Role.OPERATOR,
                RouteDoc.of("Pause a queue: no job of it starts; enqueues still work")
                .path("name", QUEUE_NAME)
                .answers(200, "the queue")
                .errors(400));
        routes.post("/api/v1/queues/{name}/resume", ctx -> paused(ctx, false), Role.OPERATOR,
                RouteDoc.of("Resume a paused queue")
                .path("name", QUEUE_NAME)
                .answers(200, "the queue")
                .errors(400));
        routes.get("/api/v1/queues/{name}/dead", this::dead, Role.VIEWER,
                RouteDoc.of("A queue's dead jobs with their last error")
                .path("name", QUEUE_NAME)
                .query("limit", Integer.class, "how many at most, 1 to 500 (default 100)")
                .answers(200, "`{\"items\":[...]}`")
                .errors(400));
        routes.post("/api/v1/queues/{name}/dead/retry", this::retryDead, Role.OPERATOR,
                RouteDoc.of("Run a queue's dead jobs again: all, or those `ids` names")
                .path("name", QUEUE_NAME)
                .optionalBody(QueueRoutes.RetryBody.class)
                .answers(200, "`{\"retried\": n}`"));
        routes.delete("/api/v1/queues/{name}/dead", this::purgeDead, Role.OPERATOR,
                RouteDoc.of("Purge a queue's dead jobs")
                .path("name", QUEUE_NAME)
                .answers(200, "`{\"purged\": n}`")
                .errors(400));
    }

    private void list(Context ctx) {
        Map<String, QueueCounts> byName = new LinkedHashMap<>();
        jobs.store().counts().forEach(c -> byName.put(c.queue(), c));
        Set<String> names = new TreeSet<>(byName.keySet());
        names.addAll(jobs.queues().configured().keySet());
        List<Map<String, Object>> out = new ArrayList<>();
        Instant now = jobs.store().now();
        for (String n : names) {
            out.add(view(n, byName.get(n), now));
        }
        ctx.json(Map.of("queues", out));
    }

    private void get(Context ctx) {
        String name = name(ctx);
        QueueCounts counts = jobs.store().counts().stream().filter(c -> c.queue().equals(name)).findFirst().orElse(null);
        ctx.json(view(name, counts, jobs.store().now()));
    }

    private Map<String, Object> view(String name, QueueCounts counts, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        QueueSettings s = jobs.queues().get(name);
        m.put("name", name);
        Map<String, Long> byState = new LinkedHashMap<>();
        for (JobState st : JobState.values()) {
            byState.put(st.id(), counts == null ? 0 : counts.count(st));
        }
        m.put("counts", byState);
        // A store serves counts that are dear to read from an earlier reading: say how old they are.
        m.put("countedAt", counts == null ? null : counts.countedAt().toString());
        m.put("countsAgeSeconds", counts == null ? 0 : Math.max(0, Duration.between(counts.countedAt(), now).toSeconds()));
        m.put("inFlight", jobs.worker().running(name));
        m.put("completedPerSecond", jobs.completedPerSecond(name));
        Instant oldest = counts == null ? null : counts.oldestAvailableRunAt();
        m.put("oldestAvailableAgeSeconds", oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toSeconds()));
        m.put("paused", s.paused());
        m.put("settings", QueueView.of(s));
        return m;
    }

    private void put(Context ctx) {
        String name = name(ctx);
        QueueView body = JsonBodies.read(ctx, QueueView.class, bodyLimit);
        List<FieldError> errors = new ArrayList<>();
        QueueSettings next = body.applyTo(jobs.queues().get(name), errors);
        if (next == null) {
            throw ApiException.validation("invalid queue settings", errors);
        }
        jobs.putQueue(name, next);
        get(ctx);
    }

    private void paused(Context ctx, boolean paused) {
        String name = name(ctx);
        jobs.putQueue(name, jobs.queues().get(name).withPaused(paused));
        get(ctx);
    }

    private void dead(Context ctx) {
        String name = name(ctx);
        int limit = Page.limit(ctx.queryParam("limit"), 100);
        var found = jobs.store().list(new JobQuery(name, JobState.DEAD, null, null, limit));
        ctx.json(Map.of("items", found.stream().map(j -> JobView.of(j, false)).toList()));
    }

    private void retryDead(Context ctx) {
        String name = name(ctx);
        List<UUID> ids = JsonBodies.readOptional(ctx, RetryBody.class, bodyLimit)
                .map(RetryBody::ids).orElse(List.of());
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i) == null) {
                throw ApiException.validation("invalid retry request", List.of(new FieldError("ids[" + i + "]",
                        "must be a job id (a UUID) but was null")));
            }
        }
        int n = jobs.store().retryDead(name, ids);
        jobs.serveIfAllowed(name);
        ctx.json(Map.of("retried", n));
    }

    private void purgeDead(Context ctx) {
        ctx.json(Map.of("purged", jobs.store().purgeDead(name(ctx))));
    }

    private static String name(Context ctx) {
        String name = ctx.pathParam("name");
        if (!JobRequest.NAME.matcher(name).matches()) {
            throw ApiException.validation("invalid queue name", List.of(new FieldError("name",
                    "must be 1 to 64 letters, digits, '.', '_' or '-' but was '" + name + "'")));
        }
        return name;
    }
}
