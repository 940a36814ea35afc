package io.bulwark.messaging.rabbitmq;

import io.bulwark.messaging.Outgoing;
import io.bulwark.messaging.SubscribeOptions;
import io.bulwark.messaging.Subscription;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping while RabbitMQ is still pushing what the prefetch allows: the deliveries that arrive
 * last (up to a millisecond after the first) are given back and counted like the ones fetched
 * before. Before {@code DeliverySource.releaseUnpolled}, and before the consumer counted what a
 * poll returned as it stopped, about one stop in ten here (and one run in ten of the contract's
 * stop test) counted fewer than were given back.
 */
@RequiresService(LocalService.RABBITMQ)
class RabbitMqStopTest {

    private static final Declared DECLARED = new Declared();

    @AfterAll
    static void cleanUp() throws Exception {
        DECLARED.deleteAll();
    }

    @RepeatedTest(10)
    void stopCountsTheDeliveriesRabbitMqHadPushedAheadOnEitherKindOfQueue() throws Exception {
        for (boolean priorities : new boolean[]{false, true}) {
            String topic = "t-" + UUID.randomUUID().toString().substring(0, 12);
            RabbitMqBroker broker = DECLARED.track(RabbitMqBroker.builder(RabbitMqBrokerTest.URI)
                    .prefix("bulwark-test.stop.").priorities(priorities).build());
            DECLARED.topic(broker.topology(), topic, "g");
            try {
                broker.declare(topic, "g");
                broker.publishAll(topic, IntStream.range(0, 4).mapToObj(i -> Outgoing.text("m" + i).build()).toList());
                CountDownLatch started = new CountDownLatch(2);
                Set<String> interrupted = ConcurrentHashMap.newKeySet();
                Subscription s = broker.subscribe(topic, "g", d -> {
                    started.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.add(d.text());
                        throw e;
                    }
                }, SubscribeOptions.builder().concurrency(2).prefetch(4).build());
                assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(s.stop(Duration.ZERO)).as("two interrupted, two pushed ahead").isEqualTo(4);
                assertThat(interrupted).hasSize(2);
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> DECLARED.messagesIn(broker.topology().groupQueue(topic, "g")) == 4);
            } finally {
                broker.close();
            }
        }
    }
}
