package io.bulwark.messaging;

import io.bulwark.messaging.spi.Consumer;
import io.bulwark.messaging.spi.DeliverySource;
import io.bulwark.messaging.spi.MessagingMetrics;
import io.bulwark.messaging.spi.Received;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The claim heartbeat of {@link Consumer}: three rounds per {@code claimAfter}, whatever the handlers do. */
class ConsumerHeartbeatTest {

    /**
     * The heartbeat waited on the condition every finishing handler signals, so each handler that
     * finished started a round: a {@code touch} of every held delivery per message handled (on
     * Redis an {@code XCLAIM} each, on NATS an in-progress ack each), found while measuring SQS
     * consumption for issue #14.
     */
    @Test
    void handlersFinishingDoNotStartAHeartbeatRound() {
        AtomicInteger touches = new AtomicInteger();
        AtomicInteger polls = new AtomicInteger();
        DeliverySource source = new StubSource() {
            @Override
            public List<Received> poll(int max, Duration wait) throws InterruptedException {
                if (polls.getAndIncrement() == 0) {
                    return IntStream.range(0, 50).mapToObj(i -> new Received(
                            new Delivery("m" + i, "t", null, Map.of(), new byte[0], 1, Instant.EPOCH), i)).toList();
                }
                new CountDownLatch(1).await(); // until the consumer stops
                return List.of();
            }

            @Override
            public void touch(Received r) {
                touches.incrementAndGet();
            }
        };
        AtomicInteger handled = new AtomicInteger();
        CountDownLatch rest = new CountDownLatch(49);
        // claimAfter 30 s: the first round is due in 10 s, long after this test is done.
        Consumer c = Consumer.start("t", "g", source, d -> {
            if (d.id().equals("m0")) {
                rest.await(); // held while the others finish, so a round would have something to touch
            } else {
                rest.countDown();
            }
            handled.incrementAndGet();
        }, SubscribeOptions.builder().concurrency(4).prefetch(50).claimAfter(Duration.ofSeconds(30)).build(),
                new MessagingMetrics(new SimpleMeterRegistry(), "test"));
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> handled.get() == 50);
            assertThat(touches).hasValue(0);
        } finally {
            c.stop(Duration.ZERO);
        }
    }
}
