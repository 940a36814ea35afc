package io.bulwark.server.internal.http;

import io.bulwark.core.config.Secret;
import io.bulwark.server.auth.ApiKey;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.Role;
import io.bulwark.server.http.ApiException;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Checks the bearer key of each API request against the route's role. The key itself never
 * reaches a log line or a metric label; failures are counted by reason.
 */
public final class Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    private static final String BEARER = "Bearer ";
    /** Request attribute: the verified caller's API key id ({@code auth.adminKey} for the configured admin key). */
    public static final String KEY_ID = "bulwark.auth.keyId";
    /** Request attribute: the verified caller's {@link Role}. */
    public static final String ROLE = "bulwark.auth.role";

    private final ApiKeyStore keys;
    private final Optional<Secret> adminKey;
    private final boolean openWithoutKeys;
    private final Counter missing;
    private final Counter invalid;
    private final Counter forbidden;

    /**
     * @param openWithoutKeys whether the API is open while no key exists: true only on a
     *                        loopback bind with {@code auth.required=false}
     */
    public Authenticator(ApiKeyStore keys, Optional<Secret> adminKey, boolean openWithoutKeys, MeterRegistry meters) {
        this.keys = keys;
        this.adminKey = adminKey;
        this.openWithoutKeys = openWithoutKeys;
        this.missing = failures(meters, "missing");
        this.invalid = failures(meters, "invalid");
        this.forbidden = failures(meters, "forbidden");
    }

    private static Counter failures(MeterRegistry meters, String reason) {
        return Counter.builder("bulwark.auth.failures").tag("reason", reason)
                .description("API requests refused by authentication or authorization").register(meters);
    }

    /** True while the API accepts requests without a key. */
    public boolean isOpen() {
        return openWithoutKeys && adminKey.isEmpty() && keys.isEmpty();
    }

    /**
     * Checks that the request may do what {@code required} may.
     *
     * @throws ApiException 401 when the key is missing or wrong, 403 when its role is too low
     */
    public void authorize(Context ctx, Role required) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            if (isOpen()) {
                return;
            }
            missing.increment();
            LOG.info("Refused {} {}: no API key", ctx.method(), ctx.path());
            throw ApiException.unauthorized("this endpoint needs an API key: send 'Authorization: Bearer <key>' "
                    + "(create one with 'bulwark keys create')");
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            invalid.increment();
            LOG.info("Refused {} {}: Authorization is not a bearer key", ctx.method(), ctx.path());
            throw ApiException.unauthorized("the Authorization header must be 'Bearer <key>'");
        }
        String presented = header.substring(BEARER.length()).trim();
        Role role;
        String who;
        if (adminKey.isPresent() && adminKey.get().matches(presented)) {
            role = Role.ADMIN;
            who = "the configured admin key (auth.adminKey)";
            ctx.attribute(KEY_ID, "auth.adminKey");
        } else {
            Optional<ApiKey> key = keys.verify(presented);
            if (key.isEmpty()) {
                invalid.increment();
                LOG.info("Refused {} {}: unknown or revoked API key", ctx.method(), ctx.path());
                throw ApiException.unauthorized("the API key is not valid (unknown, revoked or mistyped)");
            }
            role = key.get().role();
            who = "the key '" + key.get().name() + "'";
            ctx.attribute(KEY_ID, key.get().id());
        }
        ctx.attribute(ROLE, role);
        if (!role.includes(required)) {
            forbidden.increment();
            LOG.info("Refused {} {}: role {} is below {}", ctx.method(), ctx.path(), role.id(), required.id());
            throw ApiException.forbidden("this endpoint needs the " + required.id() + " role; " + who + " has "
                    + role.id());
        }
    }
}
