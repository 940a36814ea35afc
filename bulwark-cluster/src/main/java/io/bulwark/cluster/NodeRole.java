package io.bulwark.cluster;

import java.util.Arrays;
import java.util.Locale;

/** What a node does: serve the API, run jobs, or both. */
public enum NodeRole {
    /** Serves the API and runs no jobs ({@code jobs.worker=false}). */
    API,
    /** Runs jobs only: {@code bulwark worker}. */
    WORKER,
    /** Serves the API and runs jobs: {@code bulwark serve}. */
    BOTH;

    /** The lower-case name used in the API, the store and the CLI. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code id}; names the allowed values otherwise. */
    public static NodeRole of(String id) {
        return Arrays.stream(values()).filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("node role must be one of api, worker, both but was '" + id + "'"));
    }
}
