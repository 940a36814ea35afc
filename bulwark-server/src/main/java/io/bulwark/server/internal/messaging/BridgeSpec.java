package io.bulwark.server.internal.messaging;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.jobs.JobRequest;
import io.bulwark.messaging.Names;
import io.bulwark.server.MessagingKeys;
import io.bulwark.server.StartupException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A bridge as configured: from a connection's topic, in a group, into jobs of a type on a queue
 * or into runs of a pipeline.
 */
record BridgeSpec(String name, String connection, String topic, String group, String queue, String jobType,
                  String pipeline, int concurrency, int maxDeliveries, java.time.Duration claimAfter) {

    /** The target, for listings: {@code job <type> on <queue>} or {@code pipeline <id>}. */
    String target() {
        return pipeline != null ? "pipeline " + pipeline : "job " + jobType + " on " + queue;
    }

    /**
     * Every bridge the config declares.
     *
     * @throws StartupException naming every bad key, with what is allowed
     */
    static List<BridgeSpec> read(BulwarkConfig config, Set<String> connections) {
        List<String> problems = new ArrayList<>();
        List<BridgeSpec> out = new ArrayList<>();
        Set<String> names = new java.util.TreeSet<>();
        for (var k : List.of(MessagingKeys.BRIDGE_CONNECTION, MessagingKeys.BRIDGE_TOPIC, MessagingKeys.BRIDGE_GROUP,
                MessagingKeys.BRIDGE_QUEUE, MessagingKeys.BRIDGE_JOB_TYPE, MessagingKeys.BRIDGE_PIPELINE,
                MessagingKeys.BRIDGE_CONCURRENCY, MessagingKeys.BRIDGE_MAX_DELIVERIES, MessagingKeys.BRIDGE_CLAIM_AFTER)) {
            names.addAll(MessagingKeys.names(config, k, MessagingKeys.BRIDGES));
        }
        for (String name : names) {
            String connection = get(config, MessagingKeys.BRIDGE_CONNECTION, name);
            String topic = get(config, MessagingKeys.BRIDGE_TOPIC, name);
            String group = orElse(get(config, MessagingKeys.BRIDGE_GROUP, name), name);
            String queue = orElse(get(config, MessagingKeys.BRIDGE_QUEUE, name), "default");
            String type = get(config, MessagingKeys.BRIDGE_JOB_TYPE, name);
            String pipeline = get(config, MessagingKeys.BRIDGE_PIPELINE, name);
            Integer concurrency = config.getAll(MessagingKeys.BRIDGE_CONCURRENCY)
                    .get(MessagingKeys.keyOf(MessagingKeys.BRIDGE_CONCURRENCY, name));
            Integer maxDeliveries = config.getAll(MessagingKeys.BRIDGE_MAX_DELIVERIES)
                    .get(MessagingKeys.keyOf(MessagingKeys.BRIDGE_MAX_DELIVERIES, name));
            java.time.Duration claimAfter = config.getAll(MessagingKeys.BRIDGE_CLAIM_AFTER)
                    .get(MessagingKeys.keyOf(MessagingKeys.BRIDGE_CLAIM_AFTER, name));
            int before = problems.size();
            if (connection == null) {
                problems.add(key(MessagingKeys.BRIDGE_CONNECTION, name) + ": a bridge needs the connection it consumes from");
            } else if (!connections.contains(connection)) {
                problems.add(key(MessagingKeys.BRIDGE_CONNECTION, name) + ": no connection '" + connection + "' is declared"
                        + " (messaging.connections." + connection + ".type); declared: " + connections);
            }
            check(problems, key(MessagingKeys.BRIDGE_TOPIC, name), topic, true);
            check(problems, key(MessagingKeys.BRIDGE_GROUP, name), group, true);
            if ((type == null) == (pipeline == null)) {
                problems.add(key(MessagingKeys.BRIDGE_JOB_TYPE, name) + ": a bridge needs exactly one of type (a job "
                        + "handler type) or pipeline (a pipeline id)" + (type != null ? ", not both" : ""));
            }
            if (!JobRequest.NAME.matcher(queue).matches()) {
                problems.add(key(MessagingKeys.BRIDGE_QUEUE, name) + ": must be a queue name (1-64 letters, digits, '.', '_' "
                        + "or '-') but was '" + queue + "'");
            }
            if (problems.size() == before) {
                out.add(new BridgeSpec(name, connection, topic, group, queue, type, pipeline,
                        concurrency == null ? 4 : concurrency, maxDeliveries == null ? 5 : maxDeliveries,
                        claimAfter == null ? java.time.Duration.ofSeconds(30) : claimAfter));
            }
        }
        if (!problems.isEmpty()) {
            throw new StartupException(String.join("; ", problems));
        }
        return out;
    }

    private static void check(List<String> problems, String key, String value, boolean required) {
        if (value == null) {
            if (required) {
                problems.add(key + ": must be set");
            }
            return;
        }
        try {
            Names.require(key, value);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }

    private static String get(BulwarkConfig config, io.bulwark.core.config.ConfigKey<String> k, String name) {
        return config.getAll(k).get(MessagingKeys.keyOf(k, name));
    }

    private static String orElse(String v, String d) {
        return v == null ? d : v;
    }

    private static String key(io.bulwark.core.config.ConfigKey<?> k, String name) {
        return MessagingKeys.keyOf(k, name);
    }
}
