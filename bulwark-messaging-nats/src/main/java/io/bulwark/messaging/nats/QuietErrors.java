package io.bulwark.messaging.nats;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends the NATS client's error reports to the log at the right level instead of standard error,
 * and tells {@link NatsSource} which of its pull requests the client dropped.
 */
final class QuietErrors implements ErrorListener {

    private static final Logger LOG = LoggerFactory.getLogger(NatsBroker.class);

    /** Reply subjects of pull requests the client dropped instead of sending. */
    private final Set<String> droppedPulls = ConcurrentHashMap.newKeySet();

    @Override
    public void errorOccurred(Connection conn, String error) {
        LOG.warn("NATS server reported: {}", error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
        LOG.debug("NATS client: {}", exp.toString());
    }

    /**
     * jnats drops, instead of sending, what a thread publishes while it is interrupted (a
     * consumer's poller being stopped), and says so only here, on the publishing thread.
     */
    @Override
    public void messageDiscarded(Connection conn, Message msg) {
        if (msg.getReplyTo() != null && msg.getSubject().startsWith(NatsSource.NEXT_PREFIX)) {
            droppedPulls.add(msg.getReplyTo());
        } else {
            LOG.debug("NATS client dropped a message to {} instead of sending it", msg.getSubject());
        }
    }

    /** Whether the client dropped the pull request answered on {@code reply}; forgets it. */
    boolean dropped(String reply) {
        return droppedPulls.remove(reply);
    }
}
