package io.bulwark.messaging.nats;

import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Outgoing;
import io.bulwark.messaging.Subscription;
import io.bulwark.messaging.spi.Received;
import io.bulwark.test.messaging.BrokerContract;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The broker contract on the NATS server (JetStream) on 127.0.0.1:4222, each test's streams under a prefix of its own. */
@RequiresService(LocalService.NATS)
class NatsBrokerTest extends BrokerContract {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** This test's: every broker a test opens shares its streams. */
    private final String test = UUID.randomUUID().toString().substring(0, 8);

    /** Deletes the streams this class made. */
    @AfterAll
    static void deleteStreams() throws Exception {
        try (Connection c = Nats.connect("nats://127.0.0.1:4222")) {
            JetStreamManagement jsm = c.jetStreamManagement();
            for (String name : jsm.getStreamNames()) {
                if (name.startsWith("BWTEST_" + RUN)) {
                    jsm.deleteStream(name);
                }
            }
        }
    }

    @Override
    protected Broker open() {
        return NatsBroker.builder("nats://127.0.0.1:4222").prefixes("BWTEST_" + RUN + "_" + test + "_", "bwtest." + test + ".")
                .build();
    }

    @Override
    protected void crash(Broker broker) {
        ((NatsBroker) broker).abandon();
    }

    @Override
    protected void dropConnections(Broker broker) {
        try {
            ((NatsBroker) broker).connection().forceReconnect();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ConsumerInfo consumer(String group) throws Exception {
        NatsBroker nats = (NatsBroker) broker;
        return nats.jsm().getConsumerInfo(nats.stream(topic), NatsBroker.escape(group));
    }

    /**
     * Issue #14: a poll's pull has ended on the server when the poll returns, so nothing of it
     * arrives afterwards to wait in the client unclaimed, and the server delivers no more than the
     * poll asked for.
     */
    @Test
    void aPollEndsItsPullBeforeItReturnsAndTakesNoMoreThanItAskedFor() throws Exception {
        broker.declare(topic, "g");
        broker.publishAll(topic, IntStream.range(0, 10).mapToObj(i -> Outgoing.text("m" + i).build()).toList());
        NatsSource source = new NatsSource((NatsBroker) broker, topic, "g");
        try {
            List<Received> first = source.poll(3, Duration.ofMillis(500));
            assertThat(first).extracting(r -> r.delivery().text()).containsExactly("m0", "m1", "m2");
            assertThat(consumer("g").getNumAckPending()).as("delivered: what the poll returned").isEqualTo(3);
            assertThat(consumer("g").getNumWaiting()).as("pulls left open").isZero();
            first.forEach(source::ack);

            // More asked for than is there: the server ends the pull once the seven are sent, long before its wait.
            List<Received> rest = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> source.poll(20, Duration.ofSeconds(30)));
            assertThat(rest).extracting(r -> r.delivery().text())
                    .containsExactlyElementsOf(IntStream.range(3, 10).mapToObj(i -> "m" + i).toList());
            assertThat(consumer("g").getNumWaiting()).as("pulls left open").isZero();
            rest.forEach(source::ack);

            // Nothing there: the pull waits out its expiry and the server ends it.
            assertThat(source.poll(5, Duration.ofMillis(200))).isEmpty();
            assertThat(consumer("g").getNumWaiting()).as("pulls left open").isZero();
        } finally {
            source.close();
        }
    }

    /**
     * Issue #14: a message the server sends to a pull while its consumer stops is given back at
     * once, not left to the claim time. Each round stops a consumer whose pull waits on the server
     * while a message is published; wherever the message lands (handled before the stop, in the
     * open pull and given back, or still waiting in the stream), the last consumer handles each
     * exactly once long before the minute's claim time would bring back a lost one.
     */
    @Test
    void aMessageSentToAPullWhoseConsumerStopsComesBackAtOnceNotAfterTheClaimTime() throws Exception {
        broker.declare(topic, "g");
        Map<String, Integer> handled = new ConcurrentHashMap<>();
        var options = fast().claimAfter(Duration.ofMinutes(1)).build();
        int rounds = 8;
        for (int i = 0; i < rounds; i++) {
            Subscription s = subscribe(broker, "g", d -> handled.merge(d.text(), 1, Integer::sum), options);
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer("g").getNumWaiting() == 1); // its pull waits
            String text = "r" + i;
            Thread publisher = Thread.ofVirtual().start(() -> broker.publish(topic, Outgoing.text(text).build()));
            s.stop(Duration.ofSeconds(2));
            publisher.join();
        }
        subscribe(broker, "g", d -> handled.merge(d.text(), 1, Integer::sum), options);
        await().atMost(Duration.ofSeconds(15)).until(() -> handled.size() == rounds);
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer("g").getNumAckPending() == 0);
        assertThat(consumer("g").getNumPending()).isZero();
        assertThat(handled.values()).containsOnly(1);
    }
}
