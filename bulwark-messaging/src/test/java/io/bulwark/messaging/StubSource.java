package io.bulwark.messaging;

import io.bulwark.messaging.spi.DeliverySource;
import io.bulwark.messaging.spi.Received;
import java.time.Duration;

/** A source for the consumer's tests: each test gives its own {@code poll}; every other move does nothing unless overridden. */
abstract class StubSource implements DeliverySource {

    @Override
    public void ack(Received r) {
    }

    @Override
    public void retry(Received r, Duration delay) {
    }

    @Override
    public void deadLetter(Received r, String reason) {
    }

    @Override
    public void release(Received r) {
    }

    @Override
    public void close() {
    }
}
