package io.bulwark.messaging.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.MessagingException;
import io.bulwark.messaging.Outgoing;
import io.bulwark.messaging.Published;
import io.bulwark.messaging.Reject;
import io.bulwark.messaging.SubscribeOptions;
import io.bulwark.messaging.Subscription;
import io.bulwark.resilience.retry.Backoff;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What is RabbitMQ's own: the queues behind delays and dead letters, refused headers, queue kinds, recovery of a consumer. */
@RequiresService(LocalService.RABBITMQ)
class RabbitMqBehaviourTest {

    private static final Declared DECLARED = new Declared();
    private final String prefix = "bulwark-test." + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final String topic = "t-" + UUID.randomUUID().toString().substring(0, 12);
    private final List<Subscription> subscriptions = new ArrayList<>();
    private RabbitMqBroker broker;

    @AfterAll
    static void cleanUp() throws Exception {
        DECLARED.deleteAll();
    }

    private RabbitMqBroker.Builder builder() {
        return RabbitMqBroker.builder(RabbitMqBrokerTest.URI).prefix(prefix).timeout(Duration.ofSeconds(5));
    }

    @BeforeEach
    void open() {
        broker = DECLARED.track(builder().build());
    }

    @AfterEach
    void close() {
        subscriptions.forEach(s -> s.stop(Duration.ZERO));
        broker.close();
        DECLARED.topic(broker.topology(), topic, "g", "other");
    }

    private SubscribeOptions.Builder fast() {
        return SubscribeOptions.builder().backoff(Backoff.of(Duration.ofMillis(200), 2.0, Duration.ofSeconds(1)))
                .grace(Duration.ofSeconds(1));
    }

    private static long messagesIn(String queue) throws Exception {
        return DECLARED.messagesIn(queue);
    }

    @Test
    void deadLettersAreReadOldestFirstLeftInPlaceAndRedrivenToTheirOwnGroupOnly() throws Exception {
        broker.declare(topic, "g");
        broker.declare(topic, "other");
        broker.publishAll(topic, IntStream.range(0, 3).mapToObj(i -> Outgoing.text("bad" + i).build()).toList());
        Set<String> rejectedOnce = ConcurrentHashMap.newKeySet();
        List<Delivery> accepted = new CopyOnWriteArrayList<>();
        subscriptions.add(broker.subscribe(topic, "g", d -> {
            if (rejectedOnce.add(d.text())) {
                throw new Reject("not yet");
            }
            accepted.add(d);
        }, fast().build()));
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.deadLetters(topic, 10).size() == 3);

        List<Delivery> first = broker.deadLetters(topic, 10);
        assertThat(first).extracting(Delivery::text).containsExactly("bad0", "bad1", "bad2");
        assertThat(first).extracting(d -> d.headers().get(Broker.DEATH_HEADER)).containsOnly("rejected: not yet");
        assertThat(first).extracting(Delivery::deliveries).containsOnly(1);
        assertThat(broker.deadLetters(topic, 2)).extracting(Delivery::id)
                .as("read again, in the same order").containsExactly(first.get(0).id(), first.get(1).id());

        assertThat(broker.redrive(topic, 2)).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> accepted.size() == 2);
        assertThat(accepted).extracting(Delivery::id).containsExactlyInAnyOrder(first.get(0).id(), first.get(1).id());
        assertThat(accepted).extracting(Delivery::deliveries).containsOnly(1);
        assertThat(broker.deadLetters(topic, 10)).extracting(Delivery::text).containsExactly("bad2");
        assertThat(messagesIn(broker.topology().groupQueue(topic, "other"))).as("the other group got none again").isEqualTo(3);
    }

    @Test
    void aDelayIsRoundedUpToTwoFiguresAndWaitsInAQueueOfItsOwn() throws Exception {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        RabbitMqBroker fixed = DECLARED.track(builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build());
        try {
            Published p = fixed.publish(topic, Outgoing.text("later").delay(Duration.ofMillis(123_456)).build());
            assertThat(p.deliverAt()).isEqualTo(now.plusMillis(130_000));
            assertThat(messagesIn(fixed.topology().delayQueue(topic, 130_000))).isEqualTo(1);
        } finally {
            fixed.close();
        }
    }

    @Test
    void aDelayOfAYearIsAcceptedByTheServer() throws Exception {
        Published p = broker.publish(topic, Outgoing.text("next year").delay(Duration.ofDays(365)).build());
        assertThat(p.deliverAt()).isAfter(Instant.now().plus(Duration.ofDays(365)));
        assertThat(messagesIn(broker.topology().delayQueue(topic, 32_000_000_000L))).isEqualTo(1);
    }

    @Test
    void headersRabbitMqOrBulwarkSetAndHeadersBiggerThanAFrameAreRefused() {
        assertThatThrownBy(() -> broker.publish(topic, Outgoing.text("x").header("x-bulwark-deliveries", "0").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("headers: 'x-bulwark-deliveries' is reserved on rabbitmq");
        assertThatThrownBy(() -> broker.publish(topic, Outgoing.text("x").header("x-delivery-count", "0").build()))
                .hasMessageStartingWith("headers: 'x-delivery-count' is reserved on rabbitmq");
        Outgoing.Builder big = Outgoing.text("x");
        for (int i = 0; i < 40; i++) {
            big.header("h" + i, "v".repeat(4000));
        }
        assertThatThrownBy(() -> broker.publish(topic, big.build()))
                .hasMessageStartingWith("headers: a message on rabbitmq may carry about 122880 bytes of headers and key");
        assertThatThrownBy(() -> broker.publish(topic, Outgoing.text("x").priority(1).build()))
                .hasMessage("priority: rabbitmq has no message priorities; leave priority out");
    }

    @Test
    void aGroupDeclaredAsTheOtherKindOfQueueIsNamedInTheError() {
        broker.declare(topic, "g");
        RabbitMqBroker withPriorities = DECLARED.track(builder().priorities(true).build());
        try {
            assertThatThrownBy(() -> withPriorities.declare(topic, "g")).isInstanceOf(MessagingException.class)
                    .hasMessageContaining("the queue " + broker.topology().groupQueue(topic, "g")
                            + " exists with other arguments than this broker's (classic with x-max-priority 9)")
                    .hasMessageContaining("PRECONDITION_FAILED");
            assertThat(withPriorities.isHealthy()).as("the channel it broke is not used again").isTrue();
        } finally {
            withPriorities.close();
        }
    }

    @Test
    void manyHandlersAcknowledgeAtOnceOnOneChannelWithoutBreakingIt() {
        broker.declare(topic, "g");
        int n = 400;
        broker.publishAll(topic, IntStream.range(0, n).mapToObj(i -> Outgoing.text("m" + i).build()).toList());
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        AtomicInteger redelivered = new AtomicInteger();
        subscriptions.add(broker.subscribe(topic, "g", d -> {
            seen.merge(d.text(), 1, Integer::sum);
            if (d.deliveries() > 1) {
                redelivered.incrementAndGet();
            }
        }, fast().concurrency(32).prefetch(64).build()));
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == n);
        assertThat(redelivered.get()).as("a broken channel would have given deliveries back").isZero();
        assertThat(seen.values()).containsOnly(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> messagesIn(broker.topology().groupQueue(topic, "g")) == 0);
    }

    /**
     * Acknowledgements go several to a basic.ack with multiple set (a quarter of the prefetch):
     * one must never cover a delivery still being handled, or retried, or dead-lettered alone,
     * and by the time the subscription stopped every finished delivery is acknowledged, so that
     * closing its channel gives nothing back.
     */
    @Test
    void batchedAcknowledgementsCoverOnlyFinishedDeliveriesAndAllOfThemByStop() throws Exception {
        broker.declare(topic, "g");
        int n = 1000;
        broker.publishAll(topic, IntStream.range(0, n).mapToObj(i -> Outgoing.text(Integer.toString(i)).build()).toList());
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        Subscription s = broker.subscribe(topic, "g", d -> {
            int i = Integer.parseInt(d.text());
            seen.computeIfAbsent(d.text(), k -> new CopyOnWriteArrayList<>()).add(d.deliveries());
            long spin = java.util.concurrent.ThreadLocalRandom.current().nextLong(50_000); // out of order, a little
            for (long end = System.nanoTime() + spin; System.nanoTime() < end; ) {
                Thread.onSpinWait();
            }
            if (i % 50 == 0) {
                throw new Reject("every fiftieth");
            }
            if (i % 7 == 0 && d.deliveries() == 1) {
                throw new IllegalStateException("every seventh fails once");
            }
        }, fast().concurrency(16).prefetch(64).build());
        subscriptions.add(s);
        long retried = IntStream.range(0, n).filter(i -> i % 7 == 0 && i % 50 != 0).count();
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == n
                && seen.values().stream().mapToInt(List::size).sum() == n + retried);
        s.stop(Duration.ofSeconds(5));

        String queue = broker.topology().groupQueue(topic, "g");
        assertThat(messagesIn(queue)).as("deliveries given back when the channel closed: not acknowledged").isZero();
        seen.forEach((m, deliveries) -> {
            int i = Integer.parseInt(m);
            assertThat(deliveries).as("message %s", m).isEqualTo(i % 7 == 0 && i % 50 != 0 ? List.of(1, 2) : List.of(1));
        });
        assertThat(broker.deadLetters(topic, n)).hasSize(n / 50);
    }

    @Test
    void aConsumerWhoseQueueWasDeletedDeclaresItAgainAndGoesOn() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        subscriptions.add(broker.subscribe(topic, "g", d -> got.add(d.text()), fast().build()));
        broker.publish(topic, Outgoing.text("before").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.contains("before"));
        try (Connection admin = new ConnectionFactory().newConnection("bulwark-test-admin");
             Channel ch = admin.createChannel()) {
            ch.queueDelete(broker.topology().groupQueue(topic, "g"));
        }
        // The consumer declares the queue, then binds it: a message published in between (or before)
        // reaches no queue and is dropped, as RabbitMQ drops any message for a deleted queue. Seeing
        // the queue exist is therefore not enough; publish until a message gets through the binding.
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!got.contains("after")) {
                broker.publish(topic, Outgoing.text("after").build());
            }
            return got.contains("after");
        });
    }
}
