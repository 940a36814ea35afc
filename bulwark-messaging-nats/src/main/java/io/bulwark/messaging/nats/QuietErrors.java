package io.bulwark.messaging.nats;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends the NATS client's error reports to the log at the right level instead of standard error. */
final class QuietErrors implements ErrorListener {

    private static final Logger LOG = LoggerFactory.getLogger(NatsBroker.class);

    @Override
    public void errorOccurred(Connection conn, String error) {
        LOG.warn("NATS server reported: {}", error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
        LOG.debug("NATS client: {}", exp.toString());
    }
}
