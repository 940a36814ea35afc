package io.bulwark.server.internal.http;

import io.bulwark.core.json.Json;
import io.bulwark.core.logging.LogText;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.Problem;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;

/** Turns every error into an RFC 9457 {@code application/problem+json} response. */
public final class ProblemRenderer {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemRenderer.class);

    private ProblemRenderer() {
    }

    public static void api(ApiException e, Context ctx) {
        e.headers().forEach(ctx::header);
        write(ctx, new Problem(e.type(), e.title(), e.status(), e.getMessage(), ctx.path(),
                RequestObserver.requestId(ctx), e.errors()));
    }

    /** Javalin's own errors (404 for an unknown route, 413 from its body limit, ...). */
    public static void javalin(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        HttpStatus known = HttpStatus.forStatus(status);
        String title = known.getMessage();
        String detail = switch (status) {
            case 404 -> "no route matches " + ctx.method().name() + " " + ctx.path();
            case 405 -> ctx.method().name() + " is not allowed on " + ctx.path();
            case 413 -> "the request body exceeds the limit (server.maxRequestBody)";
            default -> e.getMessage() == null || e.getMessage().isBlank() ? title : e.getMessage();
        };
        String slug = switch (status) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "payload-too-large";
            default -> title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
        };
        write(ctx, new Problem("urn:bulwark:problem:" + slug, title, status, detail, ctx.path(),
                RequestObserver.requestId(ctx), null));
    }

    /**
     * The store failed. While it cannot be reached the client gets a 503 with Retry-After (the
     * request may work a moment later); any other store failure is unexpected.
     */
    public static void store(io.bulwark.jdbc.StoreException e, Context ctx) {
        if (!e.isUnavailable()) {
            unexpected(e, ctx);
            return;
        }
        String id = RequestObserver.requestId(ctx);
        LOG.warn("Request {} {} got a 503: the store is unavailable ({})", ctx.method().name(), ctx.path(), e.getMessage());
        ctx.header("Retry-After", "5");
        write(ctx, new Problem("urn:bulwark:problem:store-unavailable", "Store unavailable", 503,
                "the store cannot be reached right now (" + e.operation() + " failed); try again shortly (an "
                        + "enqueue with an idempotency key is safe to repeat)", ctx.path(), id, null));
    }

    /** A bug or an unexpected failure: logged with its stack trace, answered without internals. */
    public static void unexpected(Exception e, Context ctx) {
        String id = RequestObserver.requestId(ctx);
        LOG.error("Request {} {} failed; the client got a 500 with request id {}", ctx.method().name(), LogText.safe(ctx.path()), id, e);
        write(ctx, new Problem("urn:bulwark:problem:internal", "Internal server error", 500,
                "the server failed to handle the request; its log has the details under request id " + id,
                ctx.path(), id, null));
    }

    private static void write(Context ctx, Problem problem) {
        try {
            ctx.status(problem.status());
            ctx.contentType(Problem.MEDIA_TYPE);
            ctx.result(Json.mapper().writeValueAsBytes(problem));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
