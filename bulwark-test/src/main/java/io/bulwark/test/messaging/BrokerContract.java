package io.bulwark.test.messaging;

import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.MessageHandler;
import io.bulwark.messaging.Outgoing;
import io.bulwark.messaging.Published;
import io.bulwark.messaging.Reject;
import io.bulwark.messaging.SubscribeOptions;
import io.bulwark.messaging.Subscription;
import io.bulwark.resilience.retry.Backoff;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link Broker} promises, run against the real broker by each broker module's test:
 * extend it, return a new broker from {@link #open()}, and make {@link #crash} and
 * {@link #dropConnections} do what they say on that broker. Every test uses topics of its own, and
 * declares its groups before it publishes (a group gets what is published after it exists).
 */
public abstract class BrokerContract {

    /** A new broker on the real server. */
    protected abstract Broker open();

    /** Ends {@code broker} as a killed process would: no release, no acknowledgement, its connections gone. */
    protected abstract void crash(Broker broker);

    /** Makes the server drop {@code broker}'s connections, as a network failure would; the broker must reconnect. */
    protected abstract void dropConnections(Broker broker);

    protected Broker broker;
    protected String topic;
    private final List<Broker> others = new ArrayList<>();
    private final List<Subscription> subscriptions = new ArrayList<>();

    @BeforeEach
    void openBroker() {
        broker = open();
        topic = "t-" + UUID.randomUUID().toString().substring(0, 12);
    }

    @AfterEach
    void closeBroker() {
        subscriptions.forEach(s -> s.stop(Duration.ZERO));
        others.forEach(Broker::close);
        broker.close();
    }

    /** Fast timings for tests: backoff 200 ms doubling to 1 s, claimed after 1 s, 2 s grace. */
    protected SubscribeOptions.Builder fast() {
        return SubscribeOptions.builder().backoff(Backoff.of(Duration.ofMillis(200), 2.0, Duration.ofSeconds(1)))
                .claimAfter(Duration.ofSeconds(1)).grace(Duration.ofSeconds(2));
    }

    protected Subscription subscribe(Broker b, String group, MessageHandler handler, SubscribeOptions options) {
        Subscription s = b.subscribe(topic, group, handler, options);
        subscriptions.add(s);
        return s;
    }

    /**
     * Whether the broker tells a group's lag ({@code DeliverySource.lag}); a broker that does not
     * overrides this to say so, and the suite then checks that it reports none rather than a guess.
     */
    protected boolean reportsLag() {
        return true;
    }

    protected Broker another() {
        Broker b = open();
        others.add(b);
        return b;
    }

    private static Outgoing text(String t) {
        return Outgoing.text(t).build();
    }

    @Test
    void aPublishedMessageIsDeliveredWithItsIdKeyHeadersAndBody() {
        broker.declare(topic, "g");
        Published p = broker.publish(topic, Outgoing.json(Map.of("n", 1)).key("customer-7").header("source", "web").build());
        List<Delivery> got = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", got::add, fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        Delivery d = got.getFirst();
        assertThat(d.id()).isEqualTo(p.id());
        assertThat(d.topic()).isEqualTo(topic);
        assertThat(d.key()).isEqualTo("customer-7");
        assertThat(d.headers()).containsEntry("source", "web").containsEntry("content-type", "application/json");
        assertThat(d.text()).isEqualTo("{\"n\":1}");
        assertThat(d.deliveries()).isEqualTo(1);
        assertThat(d.publishedAt()).isBeforeOrEqualTo(Instant.now());
    }

    @Test
    void aBatchIsDeliveredInOrderToOneConsumerWithConcurrencyOneAndBinaryBodiesSurvive() {
        broker.declare(topic, "g");
        List<Published> sent = broker.publishAll(topic, IntStream.range(0, 50).mapToObj(i -> text("m" + i)).toList());
        byte[] binary = {0, (byte) 0xff, (byte) 0xc3, 0x28, 10};
        broker.publish(topic, Outgoing.bytes(binary).build());
        List<Delivery> got = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", got::add, fast().concurrency(1).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 51);
        assertThat(got.subList(0, 50)).extracting(Delivery::text)
                .containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "m" + i).toList());
        assertThat(got.subList(0, 50)).extracting(Delivery::id).containsExactlyElementsOf(sent.stream().map(Published::id).toList());
        assertThat(got.get(50).body()).containsExactly(binary);
    }

    @Test
    void anAcknowledgedMessageIsNotDeliveredAgainToItsGroup() {
        broker.declare(topic, "g");
        broker.publish(topic, text("once"));
        List<String> got = new CopyOnWriteArrayList<>();
        Subscription first = subscribe(broker, "g", d -> got.add(d.text()), fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> first.inFlight() == 0);
        first.stop(Duration.ofSeconds(2));
        subscribe(another(), "g", d -> got.add(d.text()), fast().build());
        broker.publish(topic, text("marker"));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.contains("marker"));
        assertThat(got).containsExactly("once", "marker");
    }

    @Test
    void aFailedDeliveryComesBackAfterItsBackoffCountingDeliveries() {
        broker.declare(topic, "g");
        broker.publish(topic, text("flaky"));
        List<Delivery> got = new CopyOnWriteArrayList<>();
        List<Instant> at = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", d -> {
            got.add(d);
            at.add(Instant.now());
            if (d.deliveries() < 3) {
                throw new IllegalStateException("not yet");
            }
        }, fast().maxDeliveries(5).build());
        await().atMost(Duration.ofSeconds(15)).until(() -> got.size() == 3);
        assertThat(got).extracting(Delivery::deliveries).containsExactly(1, 2, 3);
        assertThat(got).extracting(Delivery::id).containsOnly(got.getFirst().id());
        assertThat(Duration.between(at.get(0), at.get(1))).as("at least half the first backoff (200 ms)")
                .isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(Duration.between(at.get(1), at.get(2))).as("at least half the second (400 ms)")
                .isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(broker.deadLetters(topic, 10)).isEmpty();
    }

    @Test
    void aMessageThatAlwaysFailsGoesToTheDeadLettersAfterMaxDeliveriesAndDoesNotHoldUpTheRest() {
        broker.declare(topic, "g");
        broker.publish(topic, text("poison"));
        broker.publishAll(topic, IntStream.range(0, 10).mapToObj(i -> text("ok" + i)).toList());
        AtomicInteger poisonTries = new AtomicInteger();
        Set<String> done = ConcurrentHashMap.newKeySet();
        subscribe(broker, "g", d -> {
            if (d.text().equals("poison")) {
                poisonTries.incrementAndGet();
                throw new IllegalStateException("always fails");
            }
            done.add(d.text());
        }, fast().maxDeliveries(3).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 10);
        await().atMost(Duration.ofSeconds(15)).until(() -> broker.deadLetters(topic, 10).size() == 1);
        Delivery dead = broker.deadLetters(topic, 10).getFirst();
        assertThat(dead.text()).isEqualTo("poison");
        assertThat(dead.headers().get(Broker.DEATH_HEADER)).contains("failed 3 deliveries").contains("always fails");
        assertThat(poisonTries.get()).isEqualTo(3);
    }

    @Test
    void aRejectedMessageGoesToTheDeadLettersAtOnceAndRedriveBringsItBack() {
        broker.declare(topic, "g");
        broker.publish(topic, text("bad"));
        List<Delivery> got = new CopyOnWriteArrayList<>();
        AtomicInteger rejections = new AtomicInteger();
        subscribe(broker, "g", d -> {
            got.add(d);
            if (rejections.getAndIncrement() == 0) {
                throw new Reject("cannot be parsed");
            }
        }, fast().maxDeliveries(5).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.deadLetters(topic, 10).size() == 1);
        assertThat(broker.deadLetters(topic, 10).getFirst().headers().get(Broker.DEATH_HEADER))
                .isEqualTo("rejected: cannot be parsed");
        assertThat(got).hasSize(1);

        assertThat(broker.redrive(topic, 10)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(got.get(1).id()).as("the same message").isEqualTo(got.getFirst().id());
        assertThat(got.get(1).deliveries()).as("delivered afresh").isEqualTo(1);
        assertThat(broker.deadLetters(topic, 10)).isEmpty();
    }

    @Test
    void aDelayedMessageIsNotDeliveredBeforeItsDelay() {
        broker.declare(topic, "g");
        Instant sent = Instant.now();
        Published p = broker.publish(topic, Outgoing.text("later").delay(Duration.ofMillis(1500)).build());
        broker.publish(topic, text("now"));
        assertThat(p.deliverAt()).isAfterOrEqualTo(sent.plusMillis(1500));
        Map<String, Instant> at = new ConcurrentHashMap<>();
        subscribe(broker, "g", d -> at.put(d.text(), Instant.now()), fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> at.size() == 2);
        assertThat(at.get("later")).isAfterOrEqualTo(sent.plusMillis(1500));
        assertThat(at.get("now")).isBefore(at.get("later"));
    }

    @Test
    void priorityIsHonouredWhereTheBrokerHasItAndRefusedWhereNot() {
        if (!broker.features().priorities()) {
            assertThatThrownBy(() -> broker.publish(topic, Outgoing.text("x").priority(5).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("priority: ");
            return;
        }
        broker.declare(topic, "g");
        broker.publish(topic, Outgoing.text("low").priority(1).build());
        broker.publish(topic, Outgoing.text("high").priority(9).build());
        List<String> got = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", d -> got.add(d.text()), fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(got).containsExactly("high", "low");
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        assertThatThrownBy(() -> broker.publish("no spaces", text("x"))).hasMessageStartingWith("topic must be");
        byte[] big = new byte[broker.features().maxMessageBytes() + 1];
        assertThatThrownBy(() -> broker.publish(topic, Outgoing.bytes(big).build())).hasMessageStartingWith("body: ");
        assertThatThrownBy(() -> broker.subscribe(topic, "", d -> { }, fast().build())).hasMessageStartingWith("group must be");
    }

    @Test
    void membersOfOneGroupShareTheMessagesAndEachGroupGetsThemAll() {
        int n = 60;
        Map<String, Integer> a = new ConcurrentHashMap<>();
        Map<String, Integer> b = new ConcurrentHashMap<>();
        Map<String, Integer> other = new ConcurrentHashMap<>();
        subscribe(broker, "shared", d -> a.merge(d.text(), 1, Integer::sum), fast().concurrency(2).build());
        subscribe(another(), "shared", d -> b.merge(d.text(), 1, Integer::sum), fast().concurrency(2).build());
        subscribe(another(), "audit", d -> other.merge(d.text(), 1, Integer::sum), fast().build());
        for (int i = 0; i < n; i++) {
            // Keyed, so that a broker that shares a group's messages out by partition (Kafka) spreads them.
            broker.publish(topic, Outgoing.text("m" + i).key("k" + i).build());
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> a.size() + b.size() == n && other.size() == n);
        Set<String> both = new java.util.HashSet<>(a.keySet());
        both.retainAll(b.keySet());
        assertThat(both).as("no message went to both members").isEmpty();
        assertThat(a.values()).containsOnly(1);
        assertThat(b.values()).containsOnly(1);
        assertThat(other.values()).containsOnly(1);
    }

    @Test
    void noMoreThanConcurrencyHandlersRunAtOnce() {
        broker.declare(topic, "g");
        broker.publishAll(topic, IntStream.range(0, 30).mapToObj(i -> text("m" + i)).toList());
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        CountDownLatch gate = new CountDownLatch(1);
        subscribe(broker, "g", d -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                gate.await(); // held until the test has seen three at once
            } finally {
                now.decrementAndGet();
                done.incrementAndGet();
            }
        }, fast().concurrency(3).prefetch(10).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> now.get() == 3);
        gate.countDown();
        await().atMost(Duration.ofSeconds(15)).until(() -> done.get() == 30);
        assertThat(most.get()).isEqualTo(3);
    }

    @Test
    void theLagCountsWhatTheGroupHasNotFinishedAndFallsToZero() throws Exception {
        broker.declare(topic, "g");
        broker.publishAll(topic, IntStream.range(0, 6).mapToObj(i -> text("m" + i)).toList());
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        Subscription s = subscribe(broker, "g", d -> {
            gate.await();
            done.incrementAndGet();
        }, fast().concurrency(1).prefetch(1).build());
        io.bulwark.messaging.spi.Consumer c = (io.bulwark.messaging.spi.Consumer) s;
        if (!reportsLag()) {
            assertThat(c.lagNow()).isEmpty();
            assertThat(c.lag()).isNaN();
            gate.countDown();
            return;
        }
        // Six unfinished: all of them where the broker counts unacknowledged deliveries, at least
        // the four neither handled nor prefetched where it counts only what waits.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(c.lagNow().orElse(-1)).isBetween(4L, 6L));
        assertThat(c.lag()).isBetween(4.0, 6.0);
        gate.countDown();
        await().atMost(Duration.ofSeconds(15)).until(() -> done.get() == 6);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(c.lagNow()).hasValue(0L));
    }

    @Test
    void stoppingLetsDeliveriesInFlightFinishAndGivesTheRestToAnotherConsumer() throws Exception {
        broker.declare(topic, "g");
        broker.publishAll(topic, IntStream.range(0, 4).mapToObj(i -> text("m" + i)).toList());
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch finishQuick = new CountDownLatch(1);
        Set<String> doneFirst = ConcurrentHashMap.newKeySet();
        Subscription first = subscribe(broker, "g", d -> {
            started.countDown();
            if (d.text().equals("m0")) {
                finishQuick.await(); // finishes within the grace
                doneFirst.add(d.text());
                return;
            }
            new CountDownLatch(1).await(); // never finishes: interrupted at the end of the grace
        }, fast().concurrency(2).prefetch(4).build());
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Thread release = Thread.ofVirtual().start(() -> {
            await().atMost(Duration.ofSeconds(5)).until(() -> !first.isRunning());
            finishQuick.countDown();
        });
        int given = first.stop(Duration.ofSeconds(1));
        release.join();
        assertThat(doneFirst).containsExactly("m0");
        assertThat(given).as("m1 interrupted, m2 and m3 fetched but not started").isEqualTo(3);

        Set<String> doneSecond = ConcurrentHashMap.newKeySet();
        subscribe(another(), "g", d -> doneSecond.add(d.text()), fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> doneSecond.size() == 3);
        assertThat(doneSecond).containsExactlyInAnyOrder("m1", "m2", "m3");
    }

    @Test
    void aDeliveryWhoseConsumerDiedGoesToAnotherMemberAfterTheClaimTime() throws Exception {
        broker.declare(topic, "g");
        Broker doomed = another();
        CountDownLatch holding = new CountDownLatch(1);
        subscribe(doomed, "g", d -> {
            holding.countDown();
            new CountDownLatch(1).await();
        }, fast().build());
        broker.publish(topic, text("orphan"));
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        crash(doomed);

        List<Delivery> got = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", got::add, fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        assertThat(got.getFirst().text()).isEqualTo("orphan");
        assertThat(got.getFirst().deliveries()).isEqualTo(2);
    }

    @Test
    void aLiveConsumerKeepsALongDeliveryPastTheClaimTime() throws Exception {
        broker.declare(topic, "g");
        broker.publish(topic, text("long"));
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch finish = new CountDownLatch(1);
        subscribe(broker, "g", d -> {
            got.add("first:" + d.text());
            finish.await();
        }, fast().build());
        subscribe(another(), "g", d -> got.add("second:" + d.text()), fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        Instant until = Instant.now().plusSeconds(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(until)); // three claim times pass
        finish.countDown();
        assertThat(got).containsExactly("first:long");
    }

    @Test
    void aDeliveryWaitingInThePrefetchKeepsItsClaimAndIsHandledOnce() throws Exception {
        broker.declare(topic, "g");
        broker.publishAll(topic, List.of(text("first"), text("second")));
        List<Delivery> got = new CopyOnWriteArrayList<>();
        CountDownLatch finish = new CountDownLatch(1);
        subscribe(broker, "g", d -> {
            got.add(d);
            if (d.text().equals("first")) {
                finish.await(); // "second" waits in the prefetch meanwhile
            }
        }, fast().concurrency(1).prefetch(4).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        Instant until = Instant.now().plusSeconds(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(until)); // three claim times pass
        finish.countDown();
        broker.publish(topic, text("third"));
        // One handler, fetch order: once "third" is handled, any second copy of "second" would have been too.
        await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().anyMatch(d -> d.text().equals("third")));
        assertThat(got).extracting(Delivery::text).containsExactly("first", "second", "third");
        assertThat(got).extracting(Delivery::deliveries).containsOnly(1);
    }

    @Test
    void consumingGoesOnAfterTheBrokerDropsTheConnections() {
        List<String> got = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", d -> got.add(d.text()), fast().build());
        broker.publish(topic, text("before"));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.contains("before"));
        dropConnections(broker);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            broker.publish(topic, text("after"));
            return true;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> got.contains("after"));
        assertThat(broker.isHealthy()).isTrue();
    }
}
