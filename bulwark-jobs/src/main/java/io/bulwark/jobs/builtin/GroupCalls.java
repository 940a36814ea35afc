package io.bulwark.jobs.builtin;

import java.io.IOException;
import java.util.Map;

/**
 * How the {@code http} job type reaches a provider group when its url is {@code group:NAME} or
 * {@code group:NAME/path}: through the group's policies and degradation instead of a direct
 * request. The server supplies it when the resilience module is present; without it such jobs
 * fail for good with a message saying so.
 */
@FunctionalInterface
public interface GroupCalls {

    /**
     * Calls group {@code group}.
     *
     * @return the answer of the provider (or of degradation)
     * @throws IOException when no provider could answer; the job is retried with its backoff
     * @throws IllegalArgumentException when there is no such group or the path is refused
     */
    Answer call(String group, String method, String path, Map<String, String> headers, String body)
            throws IOException, InterruptedException;

    /** What the group answered. */
    record Answer(int status, String body, String provider, boolean degraded) {
    }

    /** No provider groups: every {@code group:} url fails for good. */
    static GroupCalls none() {
        return (group, method, path, headers, body) -> {
            throw new IllegalArgumentException("no provider groups are available in this process, so 'group:" + group
                    + "' cannot be called");
        };
    }
}
