package io.bulwark.server.internal.calls;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.json.Json;
import io.bulwark.server.CallKeys;
import io.bulwark.server.auth.Role;
import io.bulwark.server.capability.Capability;
import io.bulwark.server.capability.CapabilityFactory;
import io.bulwark.server.capability.ServerContext;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.jobs.JobsCapability;
import io.bulwark.server.internal.resilience.ResilienceCapability;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Async gateway calls ({@link AsyncCalls}) and {@code /api/v1/calls/{id}}. Made after resilience
 * and jobs, which it joins: the gateway hands it calls that ask {@code Prefer: respond-async}, and
 * it runs them as jobs.
 */
public final class CallsCapability implements Capability {

    /** Makes it from {@code gateway.async.*} and {@code gateway.callbacks.*}, when the server runs providers and jobs. */
    public static final class Factory implements CapabilityFactory {
        @Override
        public String name() {
            return "calls";
        }

        @Override
        public List<ConfigKey<?>> configKeys() {
            return CallKeys.ALL;
        }

        @Override
        public Optional<Capability> create(ServerContext ctx) {
            Optional<ResilienceCapability> resilience = ctx.capability(ResilienceCapability.class);
            Optional<JobsCapability> jobs = ctx.capability(JobsCapability.class);
            if (resilience.isEmpty() || jobs.isEmpty()) {
                return Optional.empty();
            }
            AsyncCalls calls = new AsyncCalls(resilience.get().runtime(), jobs.get().runtime().client(),
                    jobs.get().runtime().store(), ctx.config(),
                    ctx.bodyLimit(), ctx.meters(), ctx.clock(),
                    new CallbackUrls(ctx.config().get(CallKeys.CALLBACK_ALLOW_PRIVATE)));
            calls.register(jobs.get().runtime().handlers());
            jobs.get().runtime().worker().onRescued(calls::rescued);
            resilience.get().asyncGateway(calls);
            return Optional.of(new CallsCapability(calls));
        }
    }

    private final AsyncCalls calls;

    private CallsCapability(AsyncCalls calls) {
        this.calls = calls;
    }

    @Override
    public String name() {
        return "calls";
    }

    @Override
    public void routes(ApiRoutes routes) {
        routes.get("/api/v1/calls/{id}", this::show, Role.OPERATOR, RouteDoc.of("An async gateway call")
                .path("id", "the call's id, from the 202 answer of a call made with `Prefer: respond-async`")
                .describe("Its group, method and path, state (`available`, `scheduled`, `running`, `retryable` while "
                        + "no provider could answer yet, then `completed`, `dead`, `cancelled` or `expired`), attempts, "
                        + "and once completed the provider's `response`: `status`, the `headers` the gateway passes back, "
                        + "`body` (text, or base64 when `bodyEncoding` says so), `provider`, `source` and `degraded`. "
                        + "With a callback, its URL (without the query string) and delivery state. "
                        + "Kept as long as finished jobs are (`jobs.retention`).")
                .answers(200, "the call")
                .errors(400, 404));
        routes.get("/api/v1/calls/{id}/response", this::response, Role.OPERATOR,
                RouteDoc.of("The provider's answer to an async call, as a synchronous call would have had it")
                .path("id", "the call's id")
                .describe("Its status, passed-back headers and body as sent, with `X-Bulwark-Provider`, "
                        + "`X-Bulwark-Source` and `X-Bulwark-Degraded`. A call that has not completed is a 409 "
                        + "problem naming its state.")
                .answers(200, "*/*", "the provider's answer")
                .errors(400, 404, 409));
        routes.delete("/api/v1/calls/{id}", this::cancel, Role.OPERATOR, RouteDoc.of("Cancel an async call")
                .path("id", "the call's id")
                .describe("A call still waiting is never run; one running is stopped at its worker's next lease "
                        + "renewal (the provider may already have been asked). A finished call is a 409.")
                .answers(200, "the call, cancelled")
                .errors(400, 404, 409));
    }

    private void show(Context ctx) {
        UUID id = id(ctx);
        ctx.json(calls.view(id).orElseThrow(() -> notFound(id)));
    }

    private void response(Context ctx) throws IOException {
        UUID id = id(ctx);
        var job = calls.call(id).orElseThrow(() -> notFound(id));
        if (job.state() != io.bulwark.jobs.JobState.COMPLETED || job.result() == null) {
            throw ApiException.conflict("call " + id + " has no answer yet: it is " + job.state().id()
                    + (job.lastError() == null ? "" : " (last error: " + job.lastError() + ")"));
        }
        JsonNode r = Json.mapper().readTree(job.result());
        r.path("headers").properties().forEach(h -> ctx.header(h.getKey(), h.getValue().asText()));
        ctx.header("X-Bulwark-Provider", r.path("provider").asText());
        ctx.header("X-Bulwark-Source", r.path("source").asText());
        ctx.header("X-Bulwark-Degraded", Boolean.toString(r.path("degraded").asBoolean()));
        String body = r.path("body").asText();
        ctx.status(r.path("status").asInt()).result("base64".equals(r.path("bodyEncoding").asText())
                ? Base64.getDecoder().decode(body) : body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private void cancel(Context ctx) {
        UUID id = id(ctx);
        var job = calls.call(id).orElseThrow(() -> notFound(id));
        if (job.state().isFinal()) {
            throw ApiException.conflict("call " + id + " has already finished: it is " + job.state().id());
        }
        try {
            ctx.json(calls.cancel(id).orElseThrow(() -> notFound(id)));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    private static UUID id(Context ctx) {
        String raw = ctx.pathParam("id");
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("invalid call id", List.of(new FieldError("id", "must be a UUID but was '"
                    + raw + "'")));
        }
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("no async call has the id " + id + " (finished calls are pruned after "
                + "jobs.retention)");
    }
}
