package io.bulwark.messaging.kafka;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link KafkaServer} for the whole test run: the first test class that uses it starts it; it
 * stops when the run ends (a resource of JUnit's root store).
 *
 * <pre>{@code
 * @ExtendWith(InProcessKafka.class)
 * class SomeTest { ... KafkaBroker.builder(InProcessKafka.url()) ... }
 * }</pre>
 */
final class InProcessKafka implements BeforeAllCallback {

    private static volatile KafkaServer running;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(InProcessKafka.class, k -> {
                    KafkaServer s = KafkaServer.start();
                    running = s;
                    return s;
                }, KafkaServer.class);
    }

    /** The broker's URL, through the proxy. */
    static String url() {
        return running().url();
    }

    /** Closes every client connection to the broker, as a network failure would. */
    static void dropConnections() {
        running().dropConnections();
    }

    private static KafkaServer running() {
        KafkaServer r = running;
        if (r == null) {
            throw new IllegalStateException("the test class needs @ExtendWith(InProcessKafka.class)");
        }
        return r;
    }
}
