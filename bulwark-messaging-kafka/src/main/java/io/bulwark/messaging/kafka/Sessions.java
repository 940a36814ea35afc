package io.bulwark.messaging.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A member's session timeout, which is how long a dead member keeps its partitions: the
 * subscription's {@code claimAfter}, within the bounds the cluster accepts
 * ({@code group.min.session.timeout.ms}, default 6 s, and {@code group.max.session.timeout.ms},
 * default 30 min). A timeout out of bounds would fail every join, so it is brought within them, and
 * the log says so once. The bounds are read from a broker when first needed; when that fails (no
 * {@code DescribeConfigs} permission) Kafka's defaults are assumed.
 */
final class Sessions {

    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
    private static final long DEFAULT_MIN = 6_000;
    private static final long DEFAULT_MAX = 1_800_000;

    private final Admin admin;
    private final Duration timeout;
    private volatile long[] bounds;
    private volatile boolean told;

    Sessions(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** The session timeout for a subscription whose claim time is {@code claimAfter}. */
    Duration timeoutFor(Duration claimAfter) {
        long[] b = bounds();
        long ms = Math.max(b[0], Math.min(b[1], claimAfter.toMillis()));
        if (ms != claimAfter.toMillis() && !told) {
            told = true;
            LOG.info("claimAfter {} ms is outside the Kafka cluster's session timeouts ({} to {} ms); a member's session"
                    + " times out after {} ms instead", claimAfter.toMillis(), b[0], b[1], ms);
        }
        return Duration.ofMillis(ms);
    }

    private long[] bounds() {
        long[] b = bounds;
        if (b == null) {
            b = read();
            bounds = b;
        }
        return b;
    }

    private long[] read() {
        try {
            Collection<Node> nodes = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
            Config c = admin.describeConfigs(List.of(broker)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(broker);
            return new long[]{value(c.get("group.min.session.timeout.ms"), DEFAULT_MIN),
                    value(c.get("group.max.session.timeout.ms"), DEFAULT_MAX)};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new long[]{DEFAULT_MIN, DEFAULT_MAX};
        } catch (Exception e) {
            LOG.debug("Cannot read the Kafka cluster's session timeouts ({}); assuming its defaults", e.toString());
            return new long[]{DEFAULT_MIN, DEFAULT_MAX};
        }
    }

    private static long value(ConfigEntry e, long otherwise) {
        try {
            return e == null || e.value() == null ? otherwise : Long.parseLong(e.value());
        } catch (NumberFormatException ex) {
            return otherwise;
        }
    }
}
