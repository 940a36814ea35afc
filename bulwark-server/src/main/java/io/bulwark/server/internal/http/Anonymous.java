package io.bulwark.server.internal.http;

import io.javalin.security.RouteRole;

/**
 * The access of a route anyone may call without a key: probes and scrapers
 * ({@code /health/*}, {@code /metrics}). Every route declares either this or a
 * {@link io.bulwark.server.auth.Role}; a route that declares neither stops the server from
 * starting, so a forgotten role can never mean "open".
 */
public enum Anonymous implements RouteRole {
    /** No key needed. */
    ALLOWED
}
