package io.bulwark.messaging.rabbitmq;

import io.bulwark.messaging.Broker;
import io.bulwark.test.messaging.BrokerContract;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.UUID;

/**
 * The broker contract on the RabbitMQ on 127.0.0.1:5672, groups on quorum queues (priorities
 * refused). Each test's exchanges and queues are under a prefix of its own, and deleted after the
 * class. {@link #dropConnections} closes the connection's socket under the client, as a network
 * failure would: RabbitMQ sees the connection gone, and the client recovers it. (The management
 * plugin, whose HTTP API could close it from the server's side, is not on everywhere.)
 */
@RequiresService(LocalService.RABBITMQ)
class RabbitMqBrokerTest extends BrokerContract {

    static final String URI = "amqp://guest:guest@127.0.0.1:5672/";
    private static final Declared DECLARED = new Declared();
    private final String id = UUID.randomUUID().toString().substring(0, 8);

    /** The broker this class tests; subclasses change it. */
    protected RabbitMqBroker.Builder builder() {
        return RabbitMqBroker.builder(URI).prefix("bulwark-test." + id + ".").clientName("bulwark-test-" + id)
                .timeout(Duration.ofSeconds(5)).recoveryInterval(Duration.ofMillis(500));
    }

    @Override
    protected Broker open() {
        return DECLARED.track(builder().build());
    }

    @Override
    protected void crash(Broker broker) {
        ((RabbitMqBroker) broker).abandon();
    }

    @Override
    protected void dropConnections(Broker broker) {
        try {
            ((RabbitMqBroker) broker).dropSocket();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void rememberTheTopic() {
        DECLARED.topic(((RabbitMqBroker) broker).topology(), topic, "g", "shared", "audit");
    }

    @AfterAll
    static void deleteWhatTheTestsDeclared() throws Exception {
        DECLARED.deleteAll();
    }
}
