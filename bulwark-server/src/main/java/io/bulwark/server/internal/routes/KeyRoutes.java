package io.bulwark.server.internal.routes;

import io.bulwark.server.auth.ApiKey;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.CreatedKey;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.http.JsonBodies;
import io.bulwark.server.http.Page;
import io.bulwark.server.http.RouteDoc;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code /api/v1/keys}: admin only. The plain key appears once, in the creation response. */
public final class KeyRoutes {

    /** The body of {@code POST /api/v1/keys}. */
    public record CreateKeyRequest(String name, String role) {
    }

    /** A key as the API shows it: never its hash. */
    public record KeyView(String id, String name, String role, Instant createdAt, String key) {
        static KeyView of(ApiKey k, String plaintext) {
            return new KeyView(k.id(), k.name(), k.role().id(), k.createdAt(), plaintext);
        }
    }

    private final ApiKeyStore keys;
    private final long bodyLimit;

    public KeyRoutes(ApiKeyStore keys, long bodyLimit) {
        this.keys = keys;
        this.bodyLimit = bodyLimit;
    }

    public void register(ApiRoutes routes) {
        routes.get("/api/v1/keys", this::list, Role.ADMIN, RouteDoc.of("API keys, never their values").paged()
                .answers(200, "`{\"items\":[{\"id\",\"name\",\"role\",\"createdAt\"}],\"nextCursor\"}`")
                .errors(400));
        routes.post("/api/v1/keys", this::create, Role.ADMIN, RouteDoc.of("Create an API key")
                .body(CreateKeyRequest.class)
                .describe("`role` is viewer, operator or admin; `name` 1 to 64 letters, digits, '.', '_' or '-'.")
                .answers(201, "`{\"id\",\"name\",\"role\",\"createdAt\",\"key\"}`: the key is shown only here")
                .errors(409));
        routes.delete("/api/v1/keys/{id}", this::revoke, Role.ADMIN, RouteDoc.of("Revoke an API key at once")
                .path("id", "the key's id or name")
                .answers(204, "revoked")
                .errors(404));
    }

    private void list(Context ctx) {
        int limit = Page.limit(ctx.queryParam("limit"), 100);
        List<KeyView> all = keys.list().stream().map(k -> KeyView.of(k, null))
                .sorted(java.util.Comparator.comparing(KeyView::id)).toList();
        ctx.json(Page.of(all, KeyView::id, ctx.queryParam("cursor"), limit));
    }

    private void create(Context ctx) {
        CreateKeyRequest req = JsonBodies.read(ctx, CreateKeyRequest.class, bodyLimit);
        List<FieldError> errors = new ArrayList<>();
        if (req.name() == null || req.name().isBlank()) {
            errors.add(new FieldError("name", "is required: 1 to 64 letters, digits, '.', '_' or '-'"));
        }
        Role role = null;
        if (req.role() == null) {
            errors.add(new FieldError("role", "is required: one of " + Role.allowed()));
        } else {
            try {
                role = Role.parse(req.role());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("role", "must be one of " + Role.allowed() + " but was '" + req.role() + "'"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation("invalid API key request", errors);
        }
        CreatedKey created;
        try {
            created = keys.create(req.name(), role);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("invalid API key request", List.of(new FieldError("name", e.getMessage())));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
        ctx.status(201).json(KeyView.of(created.key(), created.plaintext()));
    }

    private void revoke(Context ctx) {
        String id = ctx.pathParam("id");
        if (keys.revoke(id).isEmpty()) {
            throw ApiException.notFound("no API key has the id or name '" + id + "'");
        }
        ctx.status(204);
    }
}
