package io.bulwark.core.config;

/**
 * One thing wrong with the config: the key, where it came from and what is allowed.
 *
 * @param key the key as the user wrote it
 * @param origin where the bad value came from
 * @param message what is wrong and what is allowed
 */
public record ConfigProblem(String key, Origin origin, String message) {

    @Override
    public String toString() {
        return key + " (" + origin + "): " + message;
    }
}
