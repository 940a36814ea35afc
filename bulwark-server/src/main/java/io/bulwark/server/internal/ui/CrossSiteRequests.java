package io.bulwark.server.internal.ui;

import io.bulwark.server.http.ApiException;
import io.javalin.http.Context;

import java.util.Set;

/**
 * Refuses a state-changing request that a browser says comes from another site.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>The API's own defence against cross-site request forgery is that it takes no ambient
 *       credential: the key travels in an {@code Authorization} header, which a form on another site
 *       cannot set, and a script on another site could only set after a CORS preflight this server
 *       never approves. One case is left: an open API (loopback, no key exists) needs no header at
 *       all, so a page on any site could POST to it. This filter closes that case.</li>
 *   <li>Browsers label every request with {@code Sec-Fetch-Site}; this refuses {@code POST},
 *       {@code PUT}, {@code PATCH} and {@code DELETE} labelled {@code cross-site} or {@code same-site}
 *       (another port or subdomain is another origin, and as untrusted). The dashboard's own calls
 *       are {@code same-origin}; the CLI and other programs send no such header and pass. The header
 *       is used rather than {@code Origin} against {@code Host} because a proxy in front may rewrite
 *       {@code Host}; browsers do not let pages set {@code Sec-Fetch-*}.</li>
 * </ul>
 */
public final class CrossSiteRequests {

    /** The header browsers send with every request. */
    public static final String HEADER = "Sec-Fetch-Site";
    private static final Set<String> CHANGES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> ALLOWED = Set.of("same-origin", "none");

    private CrossSiteRequests() {
    }

    /**
     * A {@code before} handler.
     *
     * @throws ApiException 403 for a state-changing request a browser sent from another site
     */
    public static void refuse(Context ctx) {
        String site = ctx.header(HEADER);
        if (site == null || !CHANGES.contains(ctx.req().getMethod())) {
            return;
        }
        if (!ALLOWED.contains(site.trim().toLowerCase(java.util.Locale.ROOT))) {
            throw ApiException.forbidden("a " + ctx.req().getMethod() + " sent by a browser from another site ("
                    + HEADER + ": " + site + ") may not change anything here; use the dashboard at /ui or the API from "
                    + "the server's own origin");
        }
    }
}
