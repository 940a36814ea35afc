package io.bulwark.server.internal.auth;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.server.ResilienceKeys;
import io.bulwark.server.ServerKeys;
import io.bulwark.server.logging.LogSetup;

import java.util.ArrayList;
import java.util.List;

/**
 * Tells the log redactor what this configuration adds to the standard credentials: the
 * headers providers carry their secrets in, the providers' secret values and the admin key.
 */
public final class LogRedaction {

    private LogRedaction() {
    }

    /** Registers the config's credentials with {@link LogSetup#redact}. */
    public static void register(BulwarkConfig config) {
        List<String> headers = new ArrayList<>(config.getAll(ResilienceKeys.PROVIDER_AUTH_HEADER).values());
        List<String> secrets = new ArrayList<>();
        config.find(ServerKeys.AUTH_ADMIN_KEY).ifPresent(k -> secrets.add(k.reveal()));
        for (String reference : config.getAll(ResilienceKeys.PROVIDER_AUTH_SECRET).values()) {
            try {
                secrets.add(ValueTypes.secret().convert(reference).reveal());
            } catch (RuntimeException e) {
                // An unresolvable reference is the provider config's error to report, with its field named.
            }
        }
        LogSetup.redact(headers, secrets);
    }
}
