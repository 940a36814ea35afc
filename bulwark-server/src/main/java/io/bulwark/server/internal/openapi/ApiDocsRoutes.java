package io.bulwark.server.internal.openapi;

import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.ApiRoutes;
import io.bulwark.server.http.RouteDoc;
import io.bulwark.server.internal.http.Anonymous;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The API's own description, open to anyone: {@code GET /api/v1/openapi.json} (the OpenAPI
 * document) and Swagger UI at {@code /api/docs}, served from the {@code org.webjars:swagger-ui}
 * jar, so the page needs no network beyond this server.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Anonymous, like {@code /health}: the document describes routes and carries no data, and
 *       Swagger UI is static files. Every call the page makes to the API still needs a key, given
 *       with its Authorize button.</li>
 *   <li>Only the files the page loads are served, named in {@link #FILES}; any other name is a
 *       404, so the route exposes nothing else of the class path.</li>
 *   <li>The page loads no inline script: its initializer is a file of its own
 *       ({@code bulwark-docs.js}), so its Content-Security-Policy allows scripts, styles and
 *       requests from this server only. The initializer turns off Swagger UI's online validator,
 *       which would send the document's URL to swagger.io.</li>
 * </ul>
 *
 * <pre>{@code
 * new ApiDocsRoutes(() -> document.json(server.uri())).register(routes);
 * }</pre>
 */
public final class ApiDocsRoutes {

    /** Where the OpenAPI document is served. */
    public static final String DOCUMENT = "/api/v1/openapi.json";
    /** Where Swagger UI is served. */
    public static final String UI = "/api/docs";
    /** The page's policy: everything from this server, nothing inline but images as data URIs. */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final String OWN = "io/bulwark/server/internal/openapi/";
    private static final String POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
    private static final String JS = "text/javascript; charset=utf-8";
    private static final String CSS = "text/css; charset=utf-8";
    /** The files {@code /api/docs/{file}} serves, with their content types. */
    static final Map<String, String> FILES = new TreeMap<>(Map.of(
            "swagger-ui.css", CSS,
            "index.css", CSS,
            "swagger-ui-bundle.js", JS,
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png",
            "bulwark-docs.js", JS));

    private final Supplier<byte[]> document;
    private final String webjar;

    /** @param document the OpenAPI document as JSON; asked for on each request, so it should be built once */
    public ApiDocsRoutes(Supplier<byte[]> document) {
        this.document = document;
        this.webjar = "META-INF/resources/webjars/swagger-ui/" + webjarVersion() + "/";
    }

    /** Registers the three routes, all anonymous. */
    public void register(ApiRoutes routes) {
        routes.get(DOCUMENT, this::document, Anonymous.ALLOWED, RouteDoc.of("This API's OpenAPI 3.1 document")
                .describe("Generated from the routes the server registers. Open without a key: it describes the "
                        + "routes and carries no data.")
                .answers(200, "this document"));
        routes.get(UI, this::page, Anonymous.ALLOWED, RouteDoc.of("Swagger UI over this document")
                .describe("Its Authorize button takes an API key; every call it makes needs one, as any client's.")
                .answers(200, "text/html", "the Swagger UI page"));
        routes.get(UI + "/{file}", this::file, Anonymous.ALLOWED, RouteDoc.of("A static file of the Swagger UI page")
                .path("file", "one of " + String.join(", ", FILES.keySet()))
                .answers(200, "*/*", "the file: a script, a style sheet or an icon")
                .errors(404));
    }

    private void document(Context ctx) {
        ctx.contentType("application/json").header("Cache-Control", "no-cache").result(document.get());
    }

    private void page(Context ctx) {
        ctx.header("Content-Security-Policy", CSP).header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer").header("Cache-Control", "no-cache");
        ctx.contentType("text/html; charset=utf-8").result(resource(OWN + "swagger-ui.html"));
    }

    private void file(Context ctx) {
        String name = ctx.pathParam("file");
        String type = FILES.get(name);
        if (type == null) {
            throw ApiException.notFound("Swagger UI has no file named '" + name + "'; its files are "
                    + String.join(", ", FILES.keySet()));
        }
        String location = name.startsWith("bulwark-") ? OWN + name : webjar + name;
        ctx.header("X-Content-Type-Options", "nosniff").header("Cache-Control", "max-age=3600");
        ctx.contentType(type).result(resource(location));
    }

    private static InputStream resource(String location) {
        InputStream in = ApiDocsRoutes.class.getClassLoader().getResourceAsStream(location);
        if (in == null) {
            throw new IllegalStateException(location + " is not on the class path; the Swagger UI files come with "
                    + "bulwark-server's jar and the org.webjars:swagger-ui jar");
        }
        return in;
    }

    /** The version of the Swagger UI WebJar on the class path, from its Maven properties. */
    static String webjarVersion() {
        try (InputStream in = ApiDocsRoutes.class.getClassLoader().getResourceAsStream(POM)) {
            if (in == null) {
                throw new IllegalStateException("the Swagger UI WebJar (org.webjars:swagger-ui) is not on the class "
                        + "path: " + POM + " is missing");
            }
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("version");
            if (version == null || version.isBlank()) {
                throw new IllegalStateException(POM + " names no version");
            }
            return version.trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + POM, e);
        }
    }
}
