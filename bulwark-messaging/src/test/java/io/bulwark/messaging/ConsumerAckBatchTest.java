package io.bulwark.messaging;

import io.bulwark.messaging.spi.Consumer;
import io.bulwark.messaging.spi.DeliverySource;
import io.bulwark.messaging.spi.MessagingMetrics;
import io.bulwark.messaging.spi.Received;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How {@link Consumer} acknowledges over a source that takes several acknowledgements in one
 * request ({@link DeliverySource#ackBatch()}), and that it still acknowledges one at a time over
 * one that does not. The source's first poll returns its deliveries; its second blocks until the
 * consumer stops, so the poller sends nothing meanwhile and only the handlers' own rules apply.
 */
class ConsumerAckBatchTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final CountDownLatch secondPoll = new CountDownLatch(1);
    private final List<List<String>> batches = new CopyOnWriteArrayList<>();
    private final List<String> single = new CopyOnWriteArrayList<>();
    private final List<String> released = new CopyOnWriteArrayList<>();
    private Consumer consumer;

    @AfterEach
    void stop() {
        if (consumer != null) {
            consumer.stop(Duration.ZERO);
        }
    }

    private static Received received(String id) {
        return new Received(new Delivery(id, "t", null, Map.of(), new byte[0], 1, Instant.EPOCH), id);
    }

    /** Polls {@code first} once; {@code ackBatch} per request; {@code fail} is an id whose acknowledgement the broker refuses. */
    private DeliverySource source(List<Received> first, int ackBatch, String fail) {
        AtomicInteger polls = new AtomicInteger();
        return new StubSource() {
            @Override
            public List<Received> poll(int max, Duration wait) throws InterruptedException {
                if (polls.getAndIncrement() == 0) {
                    assertThat(max).isGreaterThanOrEqualTo(first.size());
                    return first;
                }
                secondPoll.countDown();
                new CountDownLatch(1).await(); // until the consumer stops
                return List.of();
            }

            @Override
            public void ack(Received r) {
                single.add(r.delivery().id());
            }

            @Override
            public int ackBatch() {
                return ackBatch;
            }

            @Override
            public Map<Received, Exception> ackAll(List<Received> done) {
                batches.add(done.stream().map(r -> r.delivery().id()).toList());
                return done.stream().filter(r -> r.delivery().id().equals(fail))
                        .collect(java.util.stream.Collectors.toMap(r -> r, r -> new IllegalStateException("refused")));
            }

            @Override
            public void release(Received r) {
                released.add(r.delivery().id());
            }
        };
    }

    private double acked() {
        var c = meters.find("bulwark_messaging_acked_total").counter();
        return c == null ? 0 : c.count();
    }

    private static List<Received> deliveries(int n) {
        return IntStream.range(0, n).mapToObj(i -> received("m" + i)).toList();
    }

    @Test
    void deliveriesFinishingTogetherAreAcknowledgedInFullBatchesAndTheLastToFinishSendsTheRest() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        consumer = Consumer.start("t", "g", source(deliveries(25), 10, "m7"), d -> go.await(),
                SubscribeOptions.builder().concurrency(25).prefetch(50).build(), new MessagingMetrics(meters, "test"));
        assertThat(secondPoll.await(5, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.inFlight() == 0);

        assertThat(single).as("never one request each").isEmpty();
        // Taken under the lock as 10, 10, 5, each sent by the thread that took it: they may reach the broker in any order.
        assertThat(batches).extracting(List::size).containsExactlyInAnyOrder(10, 10, 5);
        assertThat(batches.stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 25).mapToObj(i -> "m" + i).toList());
        assertThat(acked()).as("counted once the broker took them; m7 it refused").isEqualTo(24);
    }

    @Test
    void aStopSendsTheAcknowledgementsStillWaitingBeforeItReturns() throws Exception {
        // m0 and m1 finish while m2 runs on: the consumer is not idle and the batch not full, so they wait.
        consumer = Consumer.start("t", "g", source(deliveries(3), 10, null), d -> {
            secondPoll.await();
            if (d.id().equals("m2")) {
                new CountDownLatch(1).await(); // until interrupted at the end of the grace
            }
        }, SubscribeOptions.builder().concurrency(3).prefetch(6).build(), new MessagingMetrics(meters, "test"));
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.find("bulwark_messaging_handling").timer() != null
                && meters.find("bulwark_messaging_handling").timer().count() == 2);
        assertThat(batches).isEmpty();
        assertThat(consumer.inFlight()).as("m2 running, m0 and m1 waiting for their acknowledgement").isEqualTo(3);

        assertThat(consumer.stop(Duration.ofMillis(100))).as("m2").isEqualTo(1);
        assertThat(batches).singleElement().satisfies(b -> assertThat(b).containsExactlyInAnyOrder("m0", "m1"));
        assertThat(acked()).isEqualTo(2);
        assertThat(released).containsExactly("m2");
        assertThat(consumer.inFlight()).isZero();
    }

    @Test
    void aSourceThatAcknowledgesOneAtATimeIsAskedForEachAsItsHandlerReturns() throws Exception {
        consumer = Consumer.start("t", "g", source(deliveries(12), 1, null), d -> secondPoll.await(),
                SubscribeOptions.builder().concurrency(12).prefetch(24).build(), new MessagingMetrics(meters, "test"));
        await().atMost(Duration.ofSeconds(5)).until(() -> single.size() == 12);
        assertThat(batches).isEmpty();
        assertThat(acked()).isEqualTo(12);
    }
}
