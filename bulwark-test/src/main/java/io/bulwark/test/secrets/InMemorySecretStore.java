package io.bulwark.test.secrets;

import io.bulwark.core.config.SecretResolutionException;
import io.bulwark.core.config.SecretResolver;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A secret store for the scheme {@code test-secrets:}, for tests of code that reads secret
 * references. A module registers it in its test {@code META-INF/services/io.bulwark.core.config.SecretResolver}
 * so that config and provider specs resolve it as they resolve {@code vault:} with that module on the
 * class path. Its values are shared by the JVM: tests use locations of their own.
 */
public final class InMemorySecretStore implements SecretResolver {

    private static final Map<String, String> VALUES = new ConcurrentHashMap<>();

    /** Sets (or rotates) the secret at {@code location}. */
    public static void put(String location, String value) {
        VALUES.put(location, value);
    }

    @Override
    public String scheme() {
        return "test-secrets";
    }

    @Override
    public String resolve(String location) {
        String value = VALUES.get(location);
        if (value == null) {
            throw new SecretResolutionException("no secret at " + location);
        }
        return value;
    }
}
