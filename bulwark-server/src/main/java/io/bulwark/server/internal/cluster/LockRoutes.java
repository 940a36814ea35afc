package io.bulwark.server.internal.cluster;

import io.bulwark.cluster.Lock;
import io.bulwark.cluster.LockGrant;
import io.bulwark.cluster.Locks;
import io.bulwark.cluster.store.LockStore;
import io.bulwark.core.units.Durations;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.Page;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.http.Authenticator;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code /api/v1/locks}: viewers list locks; operators acquire ({@code POST}, with a ttl and an
 * optional bounded wait), renew ({@code PUT}, token required) and release ({@code DELETE},
 * token required). Each grant carries a fencing token for the caller's own writes.
 */
final class LockRoutes {

    /** The longest a request may wait for a lock: a request thread is held meanwhile. */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    /** The body of {@code POST} and {@code PUT /api/v1/locks/{name}}. */
    record LockBody(String ttl, @com.fasterxml.jackson.annotation.JsonProperty("wait") String waitFor, String owner,
                    Long token) {
    }

    /** How the docs describe the path parameter. */
    private static final String LOCK_NAME = "the lock's name";

    private final LockStore store;
    private final long bodyLimit;

    LockRoutes(LockStore store, long bodyLimit) {
        this.store = store;
        this.bodyLimit = bodyLimit;
    }

    void register(ApiRoutes routes) {
        routes.get("/api/v1/locks", this::list, Role.VIEWER, RouteDoc.of("Locks held now")
                .answers(200, "`{\"items\":[{\"name\",\"owner\",\"token\",\"acquiredAt\",\"until\"}]}`"));
        routes.get("/api/v1/locks/{name}", this::get, Role.VIEWER, RouteDoc.of("A lock's holder")
                .path("name", LOCK_NAME)
                .describe("A 404 when no one holds it.")
                .errors(400, 404));
        routes.post("/api/v1/locks/{name}", this::acquire, Role.OPERATOR, RouteDoc.of("Acquire a lock")
                .path("name", LOCK_NAME)
                .optionalBody(LockBody.class)
                .describe("All fields optional: `ttl` (default 30s), `wait` (at most 60s, default 0s), `owner` "
                        + "(default `api:<key id>`). A 409 names the holder and its expiry when the lock stays taken "
                        + "(see docs/locks.md).")
                .answers(201, "the grant, with its fencing token")
                .errors(409));
        routes.put("/api/v1/locks/{name}", this::renew, Role.OPERATOR, RouteDoc.of("Renew a lock")
                .path("name", LOCK_NAME)
                .body(LockBody.class)
                .describe("`token` is required: the one the lock was granted with; `ttl` defaults to 30s.")
                .answers(200, "the grant")
                .errors(409));
        routes.delete("/api/v1/locks/{name}", this::release, Role.OPERATOR, RouteDoc.of("Release a lock")
                .path("name", LOCK_NAME)
                .requiredQuery("token", Long.class, "the token the lock was granted with")
                .answers(204, "released")
                .errors(400, 409));
    }

    private void list(Context ctx) {
        ctx.json(new Page<>(store.held(), null));
    }

    private void get(Context ctx) {
        String name = name(ctx);
        ctx.json(store.holder(name).orElseThrow(() -> ApiException.notFound("no one holds the lock " + name)));
    }

    private void acquire(Context ctx) {
        String name = name(ctx);
        LockBody body = JsonBodies.readOptional(ctx, LockBody.class, bodyLimit).orElse(new LockBody(null, null, null, null));
        Duration ttl = duration("ttl", body.ttl(), Duration.ofSeconds(30));
        Duration wait = duration("wait", body.waitFor(), Duration.ZERO);
        if (wait.compareTo(MAX_WAIT) > 0) {
            throw invalid("wait", "must be at most " + Durations.format(MAX_WAIT) + " but was " + body.waitFor());
        }
        String owner = body.owner() != null ? body.owner() : "api:" + Optional.ofNullable(ctx.<String>attribute(Authenticator.KEY_ID)).orElse("open");
        Optional<Lock> lock;
        try {
            lock = Locks.of(store, owner).acquire(name, ttl, wait);
        } catch (IllegalArgumentException e) {
            throw invalid(field(e.getMessage()), e.getMessage());
        }
        LockGrant g = lock.orElseThrow(() -> held(name, wait)).grant();
        ctx.status(201).json(g);
    }

    private void renew(Context ctx) {
        String name = name(ctx);
        LockBody body = JsonBodies.read(ctx, LockBody.class, bodyLimit);
        long token = token(body.token());
        Duration ttl = duration("ttl", body.ttl(), Duration.ofSeconds(30));
        try {
            io.bulwark.cluster.internal.lock.LockArguments.ttl(ttl);
        } catch (IllegalArgumentException e) {
            throw invalid("ttl", e.getMessage());
        }
        ctx.json(store.renew(name, token, ttl).orElseThrow(() -> stale(name, token)));
    }

    private void release(Context ctx) {
        String name = name(ctx);
        String raw = ctx.queryParam("token");
        long token;
        try {
            token = token(raw == null ? null : Long.parseLong(raw));
        } catch (NumberFormatException e) {
            throw invalid("token", "must be the lock's token, a positive integer, but was '" + raw + "'");
        }
        if (!store.release(name, token)) {
            throw stale(name, token);
        }
        ctx.status(204);
    }

    private ApiException held(String name, Duration waited) {
        return ApiException.conflict(store.holder(name)
                .map(h -> "the lock " + name + " is held by " + h.owner() + " until " + h.until() + " (token "
                        + h.token() + "); waited " + Durations.format(waited))
                .orElse("the lock " + name + " was taken by another holder; waited " + Durations.format(waited)));
    }

    private ApiException stale(String name, long token) {
        return ApiException.conflict("token " + token + " does not hold the lock " + name + " (it expired, was released, "
                + "or another holder has it now" + store.holder(name).map(h -> ": token " + h.token() + " of " + h.owner())
                .orElse("") + ")");
    }

    private static long token(Long token) {
        if (token == null || token < 1) {
            throw invalid("token", "is required: the token the lock was granted with, a positive integer");
        }
        return token;
    }

    private static String name(Context ctx) {
        String name = ctx.pathParam("name");
        try {
            return io.bulwark.cluster.internal.lock.LockArguments.name(name);
        } catch (IllegalArgumentException e) {
            throw invalid("name", e.getMessage());
        }
    }

    private static Duration duration(String field, String text, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid(field, "must be " + Durations.ACCEPTED + " but was '" + text + "'");
        }
    }

    private static String field(String message) {
        String first = message.split(" ", 2)[0];
        return List.of("name", "ttl", "wait", "owner").contains(first) ? first : "body";
    }

    private static ApiException invalid(String field, String message) {
        return ApiException.validation("invalid lock request", List.of(new FieldError(field, message)));
    }
}
