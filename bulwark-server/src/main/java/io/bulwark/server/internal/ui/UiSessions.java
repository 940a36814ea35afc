package io.bulwark.server.internal.ui;

import io.bulwark.core.config.Secret;
import io.bulwark.server.auth.ApiKey;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.KeyFileException;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.http.Anonymous;
import io.bulwark.server.internal.http.Authenticator;
import io.bulwark.server.internal.http.Signatures;
import io.bulwark.server.auth.Role;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's session: a cookie the login page obtains with the API key, which lets the
 * browser load the dashboard's pages and assets ({@link io.bulwark.server.internal.http.UiSession}
 * routes). It grants nothing else: it is scoped to {@code /ui}, the API never reads it, and the
 * pages' scripts still send the key itself on every API call.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Stateless and bound to the key: {@code v1.<key id>.<expiry>.<HMAC-SHA256>}, the HMAC keyed
 *       with the key's stored hash (or the configured admin key). Revoking the key, or
 *       rotating the admin key, ends its sessions at once; every node with the same keys accepts the
 *       cookie, so a fleet behind a load balancer needs no shared session store.</li>
 *   <li>{@code HttpOnly} (no script reads it), {@code SameSite=Lax} (a link from another site opens
 *       the page; no cross-site request carries it), {@code Path=/ui}, {@code Secure} over HTTPS.
 *       Being an ambient credential for GETs of static files only, it opens no CSRF hole: the
 *       routes it admits change nothing.</li>
 *   <li>Refusals are what a browser expects: a page answers 303 to the login page (which comes
 *       back to it), an asset 401 problem+json.</li>
 * </ul>
 *
 * <pre>{@code
 * UiSessions sessions = new UiSessions(keys, adminKey, authenticator, Duration.ofHours(12), clock, meters);
 * new AccessFilter(routeAccess, authenticator, sessions::check);
 * sessions.register(routes);
 * }</pre>
 */
public final class UiSessions {

    /** The cookie's name. */
    public static final String COOKIE = "bulwark_ui";
    /** Where the login page gets and ends a session. */
    public static final String PATH = UiRoutes.UI + "/session";
    private static final String ADMIN_ID = "admin";
    private static final String VERSION = "v1";

    private final ApiKeyStore keys;
    private final Optional<Secret> adminKey;
    private final Authenticator authenticator;
    private final Duration ttl;
    private final InstantSource clock;
    private final Counter issued;
    private final Counter refused;

    public UiSessions(ApiKeyStore keys, Optional<Secret> adminKey, Authenticator authenticator, Duration ttl,
                      InstantSource clock, MeterRegistry meters) {
        this.keys = keys;
        this.adminKey = adminKey;
        this.authenticator = authenticator;
        this.ttl = ttl;
        this.clock = clock;
        this.issued = Counter.builder("bulwark.ui.sessions").description("Dashboard sessions started at the login page")
                .register(meters);
        this.refused = Counter.builder("bulwark.auth.failures").tag("reason", "session")
                .description("API requests refused by authentication or authorization").register(meters);
    }

    /** Registers {@code POST} (start) and {@code DELETE} (end) of {@link #PATH}. */
    public void register(ApiRoutes routes) {
        routes.post(PATH, this::start, Role.VIEWER, RouteDoc.of("Start a dashboard session")
                .describe("Sets the `" + COOKIE + "` cookie (HttpOnly, SameSite=Lax, Path=/ui) that lets this browser "
                        + "load the dashboard's pages; the login page calls it with the key it was given. The cookie is "
                        + "good until `auth.uiSessionTtl` passes or the key is revoked, and grants nothing under /api. "
                        + "While the API is open no cookie is needed and none is set.")
                .answers(200, "application/json", "`{\"open\": false, \"expiresAt\": ...}`, or `{\"open\": true}` while the "
                        + "API is open"));
        routes.delete(PATH, this::end, Anonymous.ALLOWED, RouteDoc.of("End the dashboard session")
                .describe("Clears the `" + COOKIE + "` cookie; the dashboard's log-out button calls it.")
                .answers(204, "the cookie is cleared"));
    }

    /**
     * The access check of a dashboard page or asset.
     *
     * @throws LoginRequired for a page whose caller has no session: the caller is sent to log in
     * @throws ApiException  401 for an asset whose caller has no session
     */
    public void check(Context ctx) {
        if (open() || hasKey(ctx) || cookie(ctx).map(this::valid).orElse(false)) {
            return;
        }
        refused.increment();
        if (ctx.path().startsWith(UiRoutes.ASSETS + "/")) {
            throw ApiException.unauthorized("the dashboard's files need a session: log in at " + UiRoutes.UI + "/login");
        }
        String here = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        throw new LoginRequired(UiRoutes.UI + "/login?next=" + URLEncoder.encode(here, StandardCharsets.UTF_8));
    }

    /** Sends a browser without a session to the login page. */
    public static final class LoginRequired extends RuntimeException {
        private final String location;

        LoginRequired(String location) {
            super("login required", null, false, false);
            this.location = location;
        }

        /** Answers 303 to the login page, which comes back to the page asked for. */
        public void redirect(Context ctx) {
            ctx.header("Cache-Control", "no-store");
            ctx.redirect(location, io.javalin.http.HttpStatus.SEE_OTHER);
        }
    }

    private boolean open() {
        try {
            return authenticator.isOpen();
        } catch (KeyFileException e) {
            return false;
        }
    }

    private boolean hasKey(Context ctx) {
        String header = ctx.header("Authorization");
        return header != null && !header.isBlank() && authenticator.identify(ctx).isPresent();
    }

    private void start(Context ctx) {
        String keyId = ctx.attribute(Authenticator.KEY_ID);
        if (keyId == null) { // the API is open: pages need no cookie
            ctx.json(Map.of("open", true));
            return;
        }
        String id = keyId.equals("auth.adminKey") ? ADMIN_ID : keyId;
        Instant expires = clock.instant().plus(ttl);
        String token = token(id, expires.getEpochSecond())
                .orElseThrow(() -> ApiException.unauthorized("the API key is not valid (unknown, revoked or mistyped)"));
        ctx.res().addHeader("Set-Cookie", cookie(token, ttl.toSeconds(), ctx.req().isSecure()));
        ctx.header("Cache-Control", "no-store");
        issued.increment();
        ctx.json(Map.of("open", false, "expiresAt", expires.toString()));
    }

    private void end(Context ctx) {
        ctx.res().addHeader("Set-Cookie", cookie("", 0, ctx.req().isSecure()));
        ctx.status(204);
    }

    private static String cookie(String value, long maxAge, boolean secure) {
        return COOKIE + "=" + value + "; Path=" + UiRoutes.UI + "; Max-Age=" + maxAge + "; HttpOnly; SameSite=Lax"
                + (secure ? "; Secure" : "");
    }

    private static Optional<String> cookie(Context ctx) {
        return Optional.ofNullable(ctx.cookie(COOKIE)).filter(v -> !v.isEmpty());
    }

    /** True when {@code value} is a session of a key that still exists, and has not expired. */
    boolean valid(String value) {
        String[] parts = value.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals(VERSION)) {
            return false;
        }
        long expires;
        try {
            expires = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return false;
        }
        if (clock.instant().getEpochSecond() >= expires) {
            return false;
        }
        Optional<String> expected = token(parts[1], expires);
        return expected.isPresent() && MessageDigest.isEqual(expected.get().getBytes(StandardCharsets.US_ASCII),
                value.getBytes(StandardCharsets.US_ASCII));
    }

    /** The session token of the key {@code id} until {@code expires}; empty when no such key exists. */
    private Optional<String> token(String id, long expires) {
        String claims = VERSION + "." + id + "." + expires;
        return secretOf(id).map(secret -> claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                HexFormat.of().parseHex(Signatures.hmacSha256Hex(secret, "bulwark ui session " + claims))));
    }

    /** What a key's sessions are signed with: its stored hash, or the configured admin key itself. */
    private Optional<String> secretOf(String id) {
        if (id.equals(ADMIN_ID)) {
            return adminKey.map(Secret::reveal);
        }
        try {
            return keys.list().stream().filter(k -> k.id().equals(id)).findFirst().map(ApiKey::hash);
        } catch (KeyFileException e) {
            return Optional.empty();
        }
    }
}
