package io.bulwark.server.internal.routes;

import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.http.Anonymous;
import io.bulwark.server.internal.http.Authenticator;
import io.javalin.http.Context;

/**
 * {@code GET /api/v1/whoami}: who the caller's key says it is, so that the dashboard knows which
 * buttons to show. The API checks the role on every call anyway.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>It answers every caller with 200, like token introspection (RFC 7662): a key that is
 *       missing or wrong is {@code "authenticated": false} with the reason, not a 401. The login page
 *       asks it before any key is typed, to learn whether the API is open, and a browser logs every
 *       4xx as an error. It tells a caller nothing but what its own key is worth.</li>
 *   <li>A key that is sent is checked as on any route, so a wrong one is logged and counted in
 *       {@code bulwark_auth_failures_total} the same way.</li>
 * </ul>
 */
public final class WhoAmIRoutes {

    /**
     * The answer.
     *
     * @param authenticated whether the request may call the API: a valid key, or none while the API is open
     * @param role viewer, operator or admin; null when not authenticated
     * @param keyId the key's id ({@code auth.adminKey} for the configured admin key); null without one
     * @param caller the key's name and id, as audit records name it; null without a key
     * @param open true while the API needs no key (loopback, no key exists)
     * @param detail why the caller is not authenticated; null when it is
     */
    public record WhoAmI(boolean authenticated, String role, String keyId, String caller, boolean open, String detail) {
    }

    private final Authenticator authenticator;

    public WhoAmIRoutes(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    public void register(ApiRoutes routes) {
        routes.get("/api/v1/whoami", this::whoami, Anonymous.ALLOWED, RouteDoc.of("Who the caller's API key says it is")
                .describe("Always 200: `authenticated` is false, with a `detail`, for a missing or invalid key. While "
                        + "the API is open (loopback, no key exists) a call without a key is an admin with "
                        + "`open: true`. The dashboard shows buttons by `role`; every route checks it anyway.")
                .answers(200, "`{\"authenticated\",\"role\",\"keyId\",\"caller\",\"open\",\"detail\"}`"));
    }

    private void whoami(Context ctx) {
        String header = ctx.header("Authorization");
        boolean open = authenticator.isOpen();
        if (header == null || header.isBlank()) {
            ctx.json(open
                    ? new WhoAmI(true, Role.ADMIN.id(), null, null, true, null)
                    : new WhoAmI(false, null, null, null, false, "no API key was sent: send 'Authorization: Bearer "
                            + "<key>'"));
            return;
        }
        try {
            authenticator.authorize(ctx, Role.VIEWER);
        } catch (ApiException e) {
            if (e.status() != 401) {
                throw e;
            }
            ctx.json(new WhoAmI(false, null, null, null, open, e.getMessage()));
            return;
        }
        Role role = ctx.attribute(Authenticator.ROLE);
        ctx.json(new WhoAmI(true, role == null ? Role.ADMIN.id() : role.id(), ctx.attribute(Authenticator.KEY_ID),
                ctx.attribute(Authenticator.CALLER), open, null));
    }
}
