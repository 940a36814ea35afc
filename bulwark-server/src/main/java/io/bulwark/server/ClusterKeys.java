package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ValueTypes;

import java.time.Duration;
import java.util.List;

/** Config keys of this node's identity and of the fleet it joins. */
public final class ClusterKeys {

    public static final ConfigKey<String> NODE_NAME = ConfigKey.builder("node.name", ValueTypes.string())
            .defaultValue("").description("This node's readable name in the node list and job history; empty: "
                    + "hostname-pid. Letters, digits, '.', '-', '_'.").build();

    public static final ConfigKey<String> NODE_ROLE = ConfigKey.builder("node.role", ValueTypes.oneOf("both", "api", "worker"))
            .defaultValue("both").description("both: API and jobs; api: the API only (no claims); worker: jobs only, "
                    + "with just /health/* and /metrics on server.port (what 'bulwark worker' sets).").build();

    public static final ConfigKey<Duration> HEARTBEAT = ConfigKey
            .builder("cluster.heartbeat", ValueTypes.duration(Duration.ofMillis(100), Duration.ofMinutes(5)))
            .defaultValue(Duration.ofSeconds(5))
            .description("How often each node writes its heartbeat; the leader's lease lasts one period.").build();

    public static final ConfigKey<Integer> DEAD_AFTER = ConfigKey
            .builder("cluster.deadAfter", ValueTypes.integer(2, 100)).defaultValue(3)
            .description("Missed heartbeats after which the leader declares a node dead and rescues its running jobs.")
            .build();

    public static final ConfigKey<String> LOCKS_BACKEND = ConfigKey
            .builder("cluster.locks.backend", ValueTypes.oneOf("store", "redis")).defaultValue("store")
            .description("Where /api/v1/locks keeps locks: the job store (one process on the embedded store, the "
                    + "fleet on PostgreSQL/MariaDB) or Redis (cluster.locks.redis.uri).").build();

    public static final ConfigKey<String> LOCKS_REDIS_URI = ConfigKey
            .builder("cluster.locks.redis.uri", ValueTypes.string()).defaultValue("")
            .description("Redis for locks when cluster.locks.backend=redis, e.g. redis://127.0.0.1:6379.").build();

    public static final List<ConfigKey<?>> ALL = List.of(NODE_NAME, NODE_ROLE, HEARTBEAT, DEAD_AFTER, LOCKS_BACKEND,
            LOCKS_REDIS_URI);

    private ClusterKeys() {
    }
}
