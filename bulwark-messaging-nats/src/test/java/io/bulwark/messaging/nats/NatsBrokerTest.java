package io.bulwark.messaging.nats;

import io.bulwark.messaging.Broker;
import io.bulwark.test.messaging.BrokerContract;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;

import java.util.UUID;

/** The broker contract on the NATS server (JetStream) on 127.0.0.1:4222, each test's streams under a prefix of its own. */
@RequiresService(LocalService.NATS)
class NatsBrokerTest extends BrokerContract {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** This test's: every broker a test opens shares its streams. */
    private final String test = UUID.randomUUID().toString().substring(0, 8);

    /** Deletes the streams this class made. */
    @AfterAll
    static void deleteStreams() throws Exception {
        try (Connection c = Nats.connect("nats://127.0.0.1:4222")) {
            JetStreamManagement jsm = c.jetStreamManagement();
            for (String name : jsm.getStreamNames()) {
                if (name.startsWith("BWTEST_" + RUN)) {
                    jsm.deleteStream(name);
                }
            }
        }
    }

    @Override
    protected Broker open() {
        return NatsBroker.builder("nats://127.0.0.1:4222").prefixes("BWTEST_" + RUN + "_" + test + "_", "bwtest." + test + ".")
                .build();
    }

    @Override
    protected void crash(Broker broker) {
        ((NatsBroker) broker).abandon();
    }

    @Override
    protected void dropConnections(Broker broker) {
        try {
            ((NatsBroker) broker).connection().forceReconnect();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
