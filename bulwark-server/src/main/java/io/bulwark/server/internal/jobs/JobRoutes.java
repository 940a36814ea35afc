package io.bulwark.server.internal.jobs;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobLimits;
import io.bulwark.jobs.JobRequest;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.QueueFullException;
import io.bulwark.jobs.store.Enqueued;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.Page;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.http.TimeParams;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** {@code /api/v1/jobs}: viewers read, operators enqueue, cancel and retry. */
public final class JobRoutes {

    /** The body of {@code POST /api/v1/jobs/batch}. */
    public record BatchBody(List<EnqueueBody> jobs) {
    }

    private static final int MAX_BATCH = 10_000;

    /** How the docs describe the path parameter. */
    private static final String JOB_ID = "the job's id (a UUID)";

    private final JobsRuntime jobs;
    private final long bodyLimit;

    public JobRoutes(JobsRuntime jobs, long bodyLimit) {
        this.jobs = jobs;
        this.bodyLimit = bodyLimit;
    }

    public void register(ApiRoutes routes) {
        routes.post("/api/v1/jobs", this::enqueue, Role.OPERATOR, RouteDoc.of("Enqueue a job")
                .body(EnqueueBody.class)
                .describe("`runAt` or `delay`, not both; `expiresAt` or `discardAfter` (how long the job may wait "
                        + "once due before it ends `expired`; the queue's `discardAfter` when neither), not both. "
                        + "Ranges: `priority` 0-9, `maxAttempts` 1-1000, `delay` 0s-3650d, `discardAfter` 1ms-3650d, "
                        + "`timeout` 1ms-1d, `backoff.base` 0s-1d, `backoff.factor` 1-100, `backoff.cap` 0s-7d. An "
                        + "unknown `type` is a 400 listing the known ones.")
                .answers(201, "the job")
                .answers(200, "the job a repeated `idempotencyKey` enqueued, with `Idempotent-Replayed: true`")
                .errors(429));
        routes.post("/api/v1/jobs/batch", this::enqueueBatch, Role.OPERATOR,
                RouteDoc.of("Enqueue up to 10,000 jobs, all or nothing")
                .body(JobRoutes.BatchBody.class)
                .describe("A 400 names fields as `jobs[2].priority`; then no job is enqueued.")
                .answers(201, "`{\"jobs\":[...]}`")
                .errors(429));
        routes.get("/api/v1/jobs", this::list, Role.VIEWER, RouteDoc.of("Jobs, newest first")
                .query("queue", String.class, "only jobs of this queue")
                .query("state", String.class, "only jobs in this state: scheduled, available, running, retryable, "
                        + "completed, dead, cancelled or expired")
                .query("type", String.class, "only jobs of this type")
                .query("tag", String.class, "only jobs carrying this tag (exactly)")
                .query("since", String.class, "only jobs created at or after this: " + TimeParams.ACCEPTED)
                .query("until", String.class, "only jobs created before this: " + TimeParams.ACCEPTED)
                .paged()
                .answers(200, "`{\"items\":[...],\"nextCursor\"}`")
                .errors(400));
        routes.get("/api/v1/jobs/{id}", this::get, Role.VIEWER, RouteDoc.of("One job with its history")
                .path("id", JOB_ID)
                .describe("Finished jobs are pruned after `jobs.retention`; then this is a 404.")
                .errors(400, 404));
        routes.post("/api/v1/jobs/{id}/cancel", this::cancel, Role.OPERATOR,
                RouteDoc.of("Cancel a job; a running one is interrupted")
                .path("id", JOB_ID)
                .answers(200, "the job")
                .errors(400, 404, 409));
        routes.post("/api/v1/jobs/{id}/retry", this::retry, Role.OPERATOR,
                RouteDoc.of("Run a dead, cancelled, expired or completed job again, with the same id")
                .path("id", JOB_ID)
                .answers(200, "the job")
                .errors(400, 404, 409));
    }

    private void enqueue(Context ctx) {
        EnqueueBody body = JsonBodies.read(ctx, EnqueueBody.class, bodyLimit);
        List<FieldError> errors = new ArrayList<>();
        JobRequest request = body.toRequest("", jobs.handlers(), errors);
        if (request == null) {
            throw ApiException.validation("invalid job", errors);
        }
        Enqueued e = submit(List.of(request)).get(0);
        if (e.replayed()) {
            ctx.header("Idempotent-Replayed", "true");
        }
        ctx.status(e.replayed() ? 200 : 201).json(JobView.of(e.job(), false));
    }

    private void enqueueBatch(Context ctx) {
        BatchBody body = JsonBodies.read(ctx, BatchBody.class, bodyLimit);
        if (body.jobs() == null || body.jobs().isEmpty()) {
            throw ApiException.validation("invalid batch", List.of(new FieldError("jobs", "is required: 1 to " + MAX_BATCH + " jobs")));
        }
        if (body.jobs().size() > MAX_BATCH) {
            throw ApiException.validation("invalid batch", List.of(new FieldError("jobs",
                    "holds " + body.jobs().size() + " jobs; at most " + MAX_BATCH + " per batch")));
        }
        List<FieldError> errors = new ArrayList<>();
        List<JobRequest> requests = new ArrayList<>(body.jobs().size());
        for (int i = 0; i < body.jobs().size(); i++) {
            EnqueueBody item = body.jobs().get(i);
            if (item == null) {
                errors.add(new FieldError("jobs[" + i + "]", "must be a job object"));
                continue;
            }
            requests.add(item.toRequest("jobs[" + i + "].", jobs.handlers(), errors));
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation("invalid jobs in the batch; none was enqueued", errors);
        }
        List<Enqueued> out = submit(requests);
        ctx.status(201).json(Map.of("jobs", out.stream().map(e -> JobView.of(e.job(), false)).toList()));
    }

    private List<Enqueued> submit(List<JobRequest> requests) {
        try {
            return jobs.client().enqueueAll(requests);
        } catch (QueueFullException e) {
            throw ApiException.tooManyRequests(e.getMessage(), e.retryAfter());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private void get(Context ctx) {
        ctx.json(JobView.of(find(ctx), true));
    }

    private void list(Context ctx) {
        int limit = Page.limit(ctx.queryParam("limit"), 100);
        JobState state = null;
        if (ctx.queryParam("state") != null) {
            try {
                state = JobState.parse(ctx.queryParam("state"));
            } catch (IllegalArgumentException e) {
                throw ApiException.validation("invalid query parameter", List.of(new FieldError("state", e.getMessage())));
            }
        }
        UUID after = cursor(ctx.queryParam("cursor"));
        java.time.Instant since = TimeParams.instant(ctx, "since", jobs.store()::now).orElse(null);
        java.time.Instant until = TimeParams.instant(ctx, "until", jobs.store()::now).orElse(null);
        if (since != null && until != null && !since.isBefore(until)) {
            throw ApiException.validation("invalid query parameter", List.of(new FieldError("until",
                    "must be after since (" + since + ") but was " + until)));
        }
        String tag = ctx.queryParam("tag");
        if (tag != null && !JobLimits.isTag(tag)) {
            throw ApiException.validation("invalid query parameter", List.of(new FieldError("tag",
                    "must be 1 to " + JobLimits.TAG_LENGTH + " characters, as tags are")));
        }
        List<Job> found = jobs.store().list(new JobQuery(ctx.queryParam("queue"), state, ctx.queryParam("type"), tag,
                since, until, after, limit + 1));
        boolean more = found.size() > limit;
        List<Job> page = more ? found.subList(0, limit) : found;
        String next = more ? encode(page.get(page.size() - 1).id()) : null;
        ctx.json(new Page<>(page.stream().map(j -> JobView.of(j, false)).toList(), next));
    }

    private void cancel(Context ctx) {
        Job job = find(ctx);
        Job after = jobs.cancel(job.id()).orElseThrow(() -> notFound(job.id().toString()));
        if (after.state().isFinal() && after.state() != JobState.CANCELLED) {
            throw ApiException.conflict("job " + job.id() + " already ended " + after.state().id() + "; only scheduled, "
                    + "available, retryable and running jobs can be cancelled");
        }
        ctx.json(JobView.of(after, true));
    }

    private void retry(Context ctx) {
        Job job = find(ctx);
        try {
            ctx.json(JobView.of(jobs.client().retry(job.id()).orElseThrow(() -> notFound(job.id().toString())), true));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    private Job find(Context ctx) {
        String raw = ctx.pathParam("id");
        UUID id;
        try {
            id = UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("invalid job id", List.of(new FieldError("id", "must be a UUID but was '" + raw + "'")));
        }
        return jobs.store().get(id).orElseThrow(() -> notFound(raw));
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("no job has the id " + id + " (finished jobs are pruned after jobs.retention)");
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
            throw ApiException.validation("invalid query parameter", List.of(new FieldError("cursor", "is not a cursor this server issued")));
        }
    }

}
