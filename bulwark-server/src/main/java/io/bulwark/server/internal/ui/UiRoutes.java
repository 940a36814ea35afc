package io.bulwark.server.internal.ui;

import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.http.Anonymous;
import io.javalin.http.Context;

import java.util.List;

/**
 * The dashboard at {@code /ui}: static pages whose scripts call the REST API with the API key the
 * login page keeps in the tab's session storage.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Open without a key, like Swagger UI at {@code /api/docs}: the pages and assets are the same
 *       files for every caller and hold no data (no handler here reads a store). Every figure a page
 *       shows comes from {@code /api/v1/...}, which checks the key on each call; see "Dashboard:
 *       public shell, data behind the API key" in docs/decisions.md.</li>
 *   <li>Nothing inline: every script and style sheet is a file from this server, so the pages'
 *       Content-Security-Policy ({@link #CSP}) allows scripts from this server only, and Trusted
 *       Types make any assignment of a string to {@code innerHTML} throw: pages build their DOM with
 *       {@code textContent}.</li>
 *   <li>Pages are revalidated on each load ({@code no-cache}, ETag); assets carry the set's
 *       fingerprint in their URL and are cached for a year ({@link UiAssets}).</li>
 * </ul>
 *
 * <pre>{@code
 * new UiRoutes(UiAssets.load()).register(routes);
 * }</pre>
 */
public final class UiRoutes {

    /** Where the dashboard is served. */
    public static final String UI = "/ui";
    /** Where its assets are served, followed by {@code /<version>/<file>}. */
    public static final String ASSETS = UI + "/assets";
    /** The pages under {@code /ui/}: the login page and the pages of the dashboard ({@code /ui} is the overview). */
    public static final List<String> PAGES = List.of("login", "queues", "jobs", "job", "dead", "providers", "schedules",
            "nodes", "pipelines", "run", "traffic", "caches", "messaging", "scaling", "rollouts", "events");
    /**
     * The policy of every dashboard response: everything from this server, nothing inline (images
     * as data URIs aside), no framing, and Trusted Types so that no string becomes markup.
     */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
            + "require-trusted-types-for 'script'; trusted-types 'none'";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private final UiAssets assets;

    public UiRoutes(UiAssets assets) {
        this.assets = assets;
    }

    /** Registers the dashboard's routes, all anonymous: they serve files that hold no data. */
    public void register(ApiRoutes routes) {
        routes.get(UI, ctx -> page(ctx, assets.shell()), Anonymous.ALLOWED, RouteDoc.of("The dashboard's overview page")
                .describe("A static page: its scripts ask the API for every figure, with the API key kept by the login "
                        + "page. See docs/dashboard.md.")
                .answers(200, "text/html", "the page"));
        routes.get(UI + "/{page}", this::named, Anonymous.ALLOWED, RouteDoc.of("A page of the dashboard")
                .path("page", "one of " + String.join(", ", PAGES))
                .describe("Static, like the overview; `login` takes the API key.")
                .answers(200, "text/html", "the page")
                .errors(404));
        routes.get(ASSETS + "/{version}/{file}", this::asset, Anonymous.ALLOWED,
                RouteDoc.of("A script, style sheet or library file of the dashboard")
                .path("version", "the fingerprint of the dashboard's files, as the pages name it")
                .path("file", "a file the pages load")
                .describe("Cached for a year: the URL changes whenever any file does.")
                .answers(200, "*/*", "the file")
                .errors(404));
    }

    private void named(Context ctx) {
        String name = ctx.pathParam("page");
        if (!PAGES.contains(name)) {
            throw ApiException.notFound("the dashboard has no page named '" + name + "'; its pages are " + UI
                    + " and " + UI + "/" + String.join(", " + UI + "/", PAGES));
        }
        page(ctx, name.equals("login") ? assets.login() : assets.shell());
    }

    private static void page(Context ctx, UiAssets.Asset page) {
        secure(ctx);
        ctx.header("Cache-Control", "no-cache");
        send(ctx, page);
    }

    private void asset(Context ctx) {
        String version = ctx.pathParam("version");
        String file = ctx.pathParam("file");
        UiAssets.Asset asset = assets.asset(file).orElseThrow(() -> ApiException.notFound("the dashboard has no file "
                + "named '" + file + "'"));
        if (!version.equals(assets.version())) {
            // An old page naming files of another version: those are not kept, and these may differ.
            throw ApiException.notFound("the dashboard's files are at version " + assets.version() + ", not '" + version
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
