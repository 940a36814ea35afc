package io.bulwark.server;

import io.bulwark.core.config.SecretResolutionException;
import io.bulwark.core.config.SecretResolver;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A secret store for scheme {@code test-secrets:}, registered in this module's test
 * {@code META-INF/services} so that config resolves it as it resolves {@code vault:} with that
 * module on the class path. Its values are shared by the JVM: tests use their own locations.
 */
public final class InMemorySecretStore implements SecretResolver {

    static final Map<String, String> VALUES = new ConcurrentHashMap<>();

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
