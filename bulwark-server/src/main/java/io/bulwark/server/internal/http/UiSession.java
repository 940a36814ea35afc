package io.bulwark.server.internal.http;

import io.javalin.security.RouteRole;

/**
 * The access of the dashboard's pages and assets: a browser navigating to a page cannot send the
 * API key (scripts send it as a bearer header), so these routes take the session cookie the login
 * page obtains with that key, a valid key itself, or nothing while the API is open. The check is
 * {@code UiSessions}' and refuses as a browser expects: a page redirects to the login page, an
 * asset is a 401.
 */
public enum UiSession implements RouteRole {
    /** A dashboard session, a valid key, or an open API. */
    REQUIRED
}
