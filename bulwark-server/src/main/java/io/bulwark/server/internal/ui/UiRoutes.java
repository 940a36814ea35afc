package io.bulwark.server.internal.ui;

import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.http.Anonymous;
import io.bulwark.server.internal.http.UiSession;
import io.javalin.http.Context;

import java.util.List;

/**
 * The dashboard at {@code /ui}: static pages whose scripts call the REST API with the API key the
 * login page keeps in the tab's session storage.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Behind auth but for the login page and the three files it loads ({@link #PUBLIC}): pages
 *       and assets need the session cookie the login page gets with the key ({@link UiSessions}),
 *       a key, or an open API. The pages hold no data either way (no handler here reads a store):
 *       every figure comes from {@code /api/v1/...}, which checks the key on each call.</li>
 *   <li>Nothing inline: every script and style sheet is a file from this server, so the pages'
 *       Content-Security-Policy ({@link #CSP}) allows scripts from this server only, and Trusted
 *       Types make any assignment of a string to {@code innerHTML} throw: pages build their DOM with
 *       {@code textContent}.</li>
 *   <li>Pages are revalidated on each load ({@code no-cache}, ETag); assets carry the set's
 *       fingerprint in their URL and are cached for a year ({@link UiAssets}).</li>
 * </ul>
 *
 * <pre>{@code
 * new UiRoutes(UiAssets.load()).register(routes); // with UiSessions checking UiSession.REQUIRED
 * }</pre>
 */
public final class UiRoutes {

    /** Where the dashboard is served. */
    public static final String UI = "/ui";
    /** Where its assets are served, followed by {@code /<version>/<file>}. */
    public static final String ASSETS = UI + "/assets";
    /** The login page: the only page served without a session. */
    public static final String LOGIN = UI + "/login";
    /** Where the login page's own files are served without a session, followed by {@code /<version>/<file>}. */
    public static final String PUBLIC = UI + "/public";
    /** The files the login page loads, the only ones served under {@link #PUBLIC}. */
    public static final List<String> PUBLIC_FILES = List.of("app.css", "api.js", "login.js");
    /** The pages under {@code /ui/} besides the login page ({@code /ui} is the overview). */
    public static final List<String> PAGES = List.of("queues", "jobs", "job", "dead", "providers", "schedules",
            "nodes", "pipelines", "run", "traffic", "caches", "messaging", "scaling", "rollouts", "events");
    /**
     * The policy of every dashboard response: everything from this server, nothing inline (images
     * as data URIs aside), no framing, and Trusted Types so that no string becomes markup.
     */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
            + "require-trusted-types-for 'script'; trusted-types 'none'";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private final java.util.function.Supplier<UiAssets> load;
    private volatile UiAssets assets;

    public UiRoutes(UiAssets assets) {
        this(() -> assets);
    }

    /**
     * Routes whose files are read by {@code load} on the first dashboard request, not at start: reading
     * and hashing them took a start's main thread tens of milliseconds for a page most starts never serve.
     */
    public UiRoutes(java.util.function.Supplier<UiAssets> load) {
        this.load = load;
    }

    private UiAssets assets() {
        UiAssets a = assets;
        if (a == null) {
            synchronized (this) {
                a = assets;
                if (a == null) {
                    a = load.get();
                    assets = a;
                }
            }
        }
        return a;
    }

    /**
     * Registers the dashboard's routes: the login page and its files anonymous, every other page and
     * file behind a session ({@link UiSession#REQUIRED}).
     */
    public void register(ApiRoutes routes) {
        routes.get(LOGIN, ctx -> page(ctx, assets().login()), Anonymous.ALLOWED, RouteDoc.of("The dashboard's login page")
                .describe("Takes the API key, keeps it in the tab's session storage and starts a session (POST "
                        + UiSessions.PATH + "). The only page served without one.")
                .answers(200, "text/html", "the page"));
        routes.get(PUBLIC + "/{version}/{file}", ctx -> file(ctx, PUBLIC_FILES), Anonymous.ALLOWED,
                RouteDoc.of("A file the login page loads")
                .path("version", "the fingerprint of the dashboard's files, as the login page names it")
                .path("file", "one of " + String.join(", ", PUBLIC_FILES))
                .describe("Cached for a year: the URL changes whenever any file does.")
                .answers(200, "*/*", "the file")
                .errors(404));
        routes.get(UI, ctx -> page(ctx, assets().shell()), UiSession.REQUIRED, RouteDoc.of("The dashboard's overview page")
                .describe("A static page: its scripts ask the API for every figure, with the API key kept by the login "
                        + "page. Needs the session cookie (or a key); without one, 303 to the login page. See "
                        + "docs/dashboard.md.")
                .answers(200, "text/html", "the page")
                .answers(303, null, "no session: to the login page, which comes back here"));
        routes.get(UI + "/{page}", this::named, UiSession.REQUIRED, RouteDoc.of("A page of the dashboard")
                .path("page", "one of " + String.join(", ", PAGES))
                .describe("Static, like the overview, and behind the same session.")
                .answers(200, "text/html", "the page")
                .answers(303, null, "no session: to the login page, which comes back here")
                .errors(404));
        routes.get(ASSETS + "/{version}/{file}", ctx -> file(ctx, assets().names()), UiSession.REQUIRED,
                RouteDoc.of("A script, style sheet or library file of the dashboard")
                .path("version", "the fingerprint of the dashboard's files, as the pages name it")
                .path("file", "a file the pages load")
                .describe("Needs the session cookie (or a key). Cached for a year: the URL changes whenever any "
                        + "file does.")
                .answers(200, "*/*", "the file")
                .errors(401, 404));
    }

    private void named(Context ctx) {
        String name = ctx.pathParam("page");
        if (!PAGES.contains(name)) {
            throw ApiException.notFound("the dashboard has no page named '" + name + "'; its pages are " + UI
                    + ", " + LOGIN + " and " + UI + "/" + String.join(", " + UI + "/", PAGES));
        }
        page(ctx, assets().shell());
    }

    private static void page(Context ctx, UiAssets.Asset page) {
        secure(ctx);
        ctx.header("Cache-Control", "no-cache");
        send(ctx, page);
    }

    private void file(Context ctx, java.util.Collection<String> served) {
        String version = ctx.pathParam("version");
        String file = ctx.pathParam("file");
        UiAssets.Asset asset = assets().asset(file).filter(a -> served.contains(file)).orElseThrow(() -> ApiException.notFound("the dashboard has no file "
                + "named '" + file + "'"));
        if (!version.equals(assets().version())) {
            // An old page naming files of another version: those are not kept, and these may differ.
            throw ApiException.notFound("the dashboard's files are at version " + assets().version() + ", not '" + version
                    + "': reload the page");
        }
        secure(ctx);
        ctx.header("Cache-Control", IMMUTABLE);
        send(ctx, asset);
    }

    private static void secure(Context ctx) {
        ctx.header("Content-Security-Policy", CSP).header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer").header("X-Frame-Options", "DENY")
                .header("Cross-Origin-Opener-Policy", "same-origin");
    }

    private static void send(Context ctx, UiAssets.Asset asset) {
        ctx.header("ETag", asset.etag());
        String seen = ctx.header("If-None-Match");
        if (seen != null && List.of(seen.split("\\s*,\\s*")).contains(asset.etag())) {
            ctx.status(304);
            return;
        }
        ctx.contentType(asset.contentType()).result(asset.bytes());
    }
}
