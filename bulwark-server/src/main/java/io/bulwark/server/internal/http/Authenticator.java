package io.bulwark.server.internal.http;

import io.bulwark.core.config.Secret;
import io.bulwark.server.auth.ApiKey;
import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.KeyFileException;
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
    /** Request attribute: who the verified caller is, for records a person reads: {@code <key name> (key <id>)}. */
    public static final String CALLER = "bulwark.auth.caller";
    /** Request attribute: the verified caller's {@link Role}. */
    public static final String ROLE = "bulwark.auth.role";

    private final ApiKeyStore keys;
    private final Optional<Secret> adminKey;
    private final OpenAccess open;
    private final Counter missing;
    private final Counter invalid;
    private final Counter forbidden;

    /** @param open when the API may answer without a key while none exists */
    public Authenticator(ApiKeyStore keys, Optional<Secret> adminKey, OpenAccess open, MeterRegistry meters) {
        this.keys = keys;
        this.adminKey = adminKey;
        this.open = open;
        this.missing = failures(meters, "missing");
        this.invalid = failures(meters, "invalid");
        this.forbidden = failures(meters, "forbidden");
    }

    private static Counter failures(MeterRegistry meters, String reason) {
        return Counter.builder("bulwark.auth.failures").tag("reason", reason)
                .description("API requests refused by authentication or authorization").register(meters);
    }

    /**
     * True while the API accepts requests without a key.
     *
     * @throws KeyFileException when {@code keys.json} cannot be read
     */
    public boolean isOpen() {
        return adminKey.isEmpty() && keys.isEmpty() && open.openWithoutKeys(keys);
    }

    /** The 503 for a key file that cannot be read: the API fails closed and says why. */
    public static ApiException keyFileProblem(KeyFileException e) {
        LOG.error("Refusing requests that need a key: {}. Repair or restore the file; requests succeed again as soon "
                + "as it reads", e.getMessage());
        return ApiException.unavailable("the API key file (" + ApiKeyStore.FILE + " in the data directory) cannot be "
                + "read: " + e.reason() + "; requests that need a key are refused until it is repaired");
    }

    /**
     * Checks that the request may do what {@code required} may.
     *
     * @throws ApiException 401 when the key is missing or wrong, 403 when its role is too low,
     *                      503 when the key file cannot be read
     */
    public void authorize(Context ctx, Role required) {
        try {
            check(ctx, required);
        } catch (KeyFileException e) {
            throw keyFileProblem(e);
        }
    }

    /**
     * The role of the caller when it presents a valid key, or admin while the API is open;
     * empty otherwise. Never refuses: for routes that show more to callers who are known.
     */
    public Optional<Role> identify(Context ctx) {
        try {
            String header = ctx.header("Authorization");
            if (header == null || header.isBlank()) {
                return isOpen() ? Optional.of(Role.ADMIN) : Optional.empty();
            }
            if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                return Optional.empty();
            }
            String presented = header.substring(BEARER.length()).trim();
            if (adminKey.isPresent() && adminKey.get().matches(presented)) {
                return Optional.of(Role.ADMIN);
            }
            return keys.verify(presented).map(ApiKey::role);
        } catch (KeyFileException e) {
            return Optional.empty();
        }
    }

    private void check(Context ctx, Role required) {
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
            ctx.attribute(CALLER, "the configured admin key (auth.adminKey)");
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
            ctx.attribute(CALLER, key.get().name() + " (key " + key.get().id() + ")");
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
