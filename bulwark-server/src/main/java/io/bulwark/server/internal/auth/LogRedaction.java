package io.bulwark.server.internal.auth;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.Secret;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.server.ResilienceKeys;
import io.bulwark.server.ServerKeys;
import io.bulwark.server.logging.LogSetup;

import java.util.ArrayList;
import java.util.List;

/**
 * Tells the log redactor what this configuration adds to the standard credentials: the
 * headers providers carry their secrets in, the providers' secret values and the admin key,
 * and, for secrets read from a store, each new value they are rotated to.
 */
public final class LogRedaction {

    private LogRedaction() {
    }

    /** Registers the config's credentials with {@link LogSetup#redact}. */
    public static void register(BulwarkConfig config) {
        List<String> headers = new ArrayList<>(config.getAll(ResilienceKeys.PROVIDER_AUTH_HEADER).values());
        List<String> secrets = new ArrayList<>();
        config.find(ServerKeys.AUTH_ADMIN_KEY).ifPresent(k -> watch(k, secrets));
        for (String reference : config.getAll(ResilienceKeys.PROVIDER_AUTH_SECRET).values()) {
            try {
                // A store reference gives the same Secret the provider uses, so its rotations are heard here.
                watch(ValueTypes.secret().convert(reference), secrets);
            } catch (RuntimeException e) {
                // An unresolvable reference is the provider config's error to report, with its field named.
            }
        }
        LogSetup.redact(headers, secrets);
    }

    /** Adds the secret's value now, and each value a secret store rotates it to later. */
    private static void watch(Secret secret, List<String> secrets) {
        secrets.add(secret.reveal());
        secret.onChange(value -> LogSetup.redact(List.of(), List.of(value)));
    }
}
