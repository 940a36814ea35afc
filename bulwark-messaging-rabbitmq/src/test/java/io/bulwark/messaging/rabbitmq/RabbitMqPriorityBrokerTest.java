package io.bulwark.messaging.rabbitmq;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker contract again with priorities on: groups on classic queues with x-max-priority 9, redeliveries flagged. */
class RabbitMqPriorityBrokerTest extends RabbitMqBrokerTest {

    @Override
    protected RabbitMqBroker.Builder builder() {
        return super.builder().priorities(true);
    }

    @Test
    void prioritiesAreOn() {
        assertThat(broker.features().priorities()).isTrue();
    }
}
