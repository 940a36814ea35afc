package io.bulwark.messaging.kafka;

import io.bulwark.messaging.Broker;
import io.bulwark.test.messaging.BrokerContract;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.UUID;

/**
 * The broker contract on the in-process Kafka ({@link InProcessKafka}), each test's topics under
 * a prefix of its own. {@link #crash} abandons the broker: its members stop without committing and
 * close without leaving their groups (as a killed process would), so their partitions move after
 * the session timeout. {@link #dropConnections} closes every client connection at the proxy the
 * broker advertises, as a network failure would.
 */
@ExtendWith(InProcessKafka.class)
class KafkaBrokerTest extends BrokerContract {

    private final String id = UUID.randomUUID().toString().substring(0, 8);

    @Override
    protected Broker open() {
        return KafkaBroker.builder(InProcessKafka.url()).prefix("t" + id + ".").clientName("bulwark-test-" + id)
                .timeout(Duration.ofSeconds(30)).build(); // generous: a new topic on a busy CI machine takes seconds
    }

    @Override
    protected void crash(Broker broker) {
        ((KafkaBroker) broker).abandon();
    }

    @Override
    protected void dropConnections(Broker broker) {
        InProcessKafka.dropConnections();
    }
}
