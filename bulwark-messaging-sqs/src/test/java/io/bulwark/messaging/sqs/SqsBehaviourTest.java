package io.bulwark.messaging.sqs;

import io.bulwark.core.time.SettableClock;
import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.MessagingException;
import io.bulwark.messaging.Outgoing;
import io.bulwark.messaging.Published;
import io.bulwark.messaging.SubscribeOptions;
import io.bulwark.messaging.Subscription;
import io.bulwark.resilience.retry.Backoff;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

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
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What is SQS's own: long delays, the visibility heartbeat, queue names and policies, the group list, SQS being away. */
class SqsBehaviourTest {

    private final String prefix = "bwt" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final String topic = "t." + UUID.randomUUID().toString().substring(0, 8);
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final List<Broker> brokers = new ArrayList<>();
    private final SqsClient sqs = ElasticMq.client();

    @AfterEach
    void close() {
        subscriptions.forEach(s -> s.stop(Duration.ZERO));
        brokers.forEach(Broker::close);
        sqs.close();
    }

    private SqsBroker.Builder builder() {
        return SqsBroker.builder(ElasticMq.url()).prefix(prefix).timeout(Duration.ofSeconds(5));
    }

    private SqsBroker open(SqsBroker.Builder b) {
        SqsBroker broker = b.build();
        brokers.add(broker);
        return broker;
    }

    private static SubscribeOptions.Builder fast() {
        return SubscribeOptions.builder().backoff(Backoff.of(Duration.ofMillis(200), 2.0, Duration.ofSeconds(1)))
                .claimAfter(Duration.ofSeconds(1)).grace(Duration.ofSeconds(1));
    }

    private Subscription subscribe(Broker b, String group, io.bulwark.messaging.MessageHandler h, SubscribeOptions o) {
        Subscription s = b.subscribe(topic, group, h, o);
        subscriptions.add(s);
        return s;
    }

    private String queueUrl(String queueName) {
        return sqs.getQueueUrl(r -> r.queueName(queueName)).queueUrl();
    }

    @Test
    void aDelayPastSqssLongestIsSentOnInStretchesAndHandledOnceDue() {
        // SQS's 15 minutes lowered to 1 s: the 3 s delay takes stretches, each a copy sent on by the consumer.
        SqsBroker broker = open(builder().maxNativeDelay(Duration.ofSeconds(1)));
        broker.declare(topic, "g");
        Published later = broker.publish(topic, Outgoing.text("later").delay(Duration.ofMillis(2500)).build());
        broker.publish(topic, Outgoing.text("now").build());
        assertThat(later.deliverAt()).isAfterOrEqualTo(Instant.now().plusMillis(2000));
        Map<String, Instant> at = new ConcurrentHashMap<>();
        List<Delivery> got = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", d -> {
            at.put(d.text(), Instant.now());
            got.add(d);
        }, fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> at.size() == 2);
        assertThat(at.get("later")).isAfterOrEqualTo(later.deliverAt());
        Delivery d = got.stream().filter(x -> x.text().equals("later")).findFirst().orElseThrow();
        assertThat(d.id()).isEqualTo(later.id());
        assertThat(d.deliveries()).as("the stretches are not deliveries").isEqualTo(1);
    }

    @Test
    void aSlowHandlerKeepsItsMessageAndTheOneWaitingBehindItPastManyClaimTimes() {
        SqsBroker broker = open(builder());
        broker.declare(topic, "g");
        broker.publishAll(topic, List.of(Outgoing.text("a").build(), Outgoing.text("b").build()));
        CountDownLatch finish = new CountDownLatch(1);
        Set<String> done = ConcurrentHashMap.newKeySet();
        Subscription s = subscribe(broker, "g", d -> {
            finish.await();
            done.add(d.text());
        }, fast().concurrency(1).prefetch(2).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> s.inFlight() == 1);
        String url = queueUrl(prefix + QueueNames.escape(topic) + "__g");
        // Another SQS client looks for four claim times: one message is being handled, the other waits
        // for the handler in the prefetch, and the consumer keeps both invisible.
        List<Message> rival = new CopyOnWriteArrayList<>();
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> {
            rival.addAll(sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(0)).messages());
            return rival.isEmpty();
        });
        finish.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> done.size() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> s.inFlight() == 0);
        Map<QueueAttributeName, String> left = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        assertThat(left).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
                .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
    }

    @Test
    void declaringMakesTheGroupsQueueAndTheTopicsDeadLettersWithARedrivePolicy() {
        SqsBroker broker = open(builder().maxReceiveCount(7).retention(Duration.ofDays(2)));
        broker.declare(topic, "bill_ing");
        String group = prefix + QueueNames.escape(topic) + "__bill_uing";
        String dead = prefix + QueueNames.escape(topic) + "_dead";
        assertThat(sqs.listQueues(r -> r.queueNamePrefix(prefix)).queueUrls()).extracting(u -> u.substring(u.lastIndexOf('/') + 1))
                .containsExactlyInAnyOrder(group, dead);
        // ElasticMQ takes MessageRetentionPeriod (so the request is checked) but neither applies nor reports it.
        assertThat(sqs.getQueueAttributes(r -> r.queueUrl(queueUrl(group)).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                .attributes().get(QueueAttributeName.REDRIVE_POLICY)).contains(dead).contains("7");
        // Another broker with other settings takes the queue over with its own.
        open(builder().maxReceiveCount(9)).declare(topic, "bill_ing");
        assertThat(sqs.getQueueAttributes(r -> r.queueUrl(queueUrl(group)).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                .attributes().get(QueueAttributeName.REDRIVE_POLICY)).contains("9");
    }

    @Test
    void sqsMovesAMessageNobodyFinishesToTheDeadLettersAfterMaxReceiveCountAndRedriveBringsItBack() {
        SqsBroker broker = open(builder().maxReceiveCount(2));
        broker.declare(topic, "g");
        Published p = broker.publish(topic, Outgoing.text("doomed").build());
        String url = queueUrl(prefix + QueueNames.escape(topic) + "__g");
        for (int i = 0; i < 2; i++) { // two consumers take it and die
            assertThat(sqs.receiveMessage(r -> r.queueUrl(url).visibilityTimeout(0).waitTimeSeconds(1)).messages()).hasSize(1);
        }
        assertThat(sqs.receiveMessage(r -> r.queueUrl(url).visibilityTimeout(0)).messages()).as("moved by SQS").isEmpty();
        List<Delivery> dead = broker.deadLetters(topic, 10);
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(p.id());
            assertThat(d.headers().get(Broker.DEATH_HEADER)).isEqualTo("received more than 2 times without being handled"
                    + " (moved by the queue's SQS redrive policy)");
        });
        assertThat(broker.redrive(topic, 10)).isEqualTo(1);
        List<Delivery> got = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", got::add, fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        assertThat(got.getFirst().id()).isEqualTo(p.id());
        assertThat(got.getFirst().deliveries()).isEqualTo(1);
        assertThat(got.getFirst().headers()).doesNotContainKey(Broker.DEATH_HEADER);
    }

    @Test
    void aGroupDeclaredOnAnotherNodeGetsWhatIsPublishedOnceTheGroupListIsReadAgain() {
        SettableClock time = SettableClock.at(Instant.now());
        SqsBroker publisher = open(builder().groupRefresh(Duration.ofSeconds(5)).clock(time.withZone(ZoneOffset.UTC)));
        SqsBroker node = open(builder());
        node.declare(topic, "first");
        publisher.publish(topic, Outgoing.text("m1").build()); // reads the list: first
        node.declare(topic, "second");
        publisher.publish(topic, Outgoing.text("m2").build()); // the list read 0 s ago
        time.advance(Duration.ofSeconds(5));
        publisher.publish(topic, Outgoing.text("m3").build()); // reads it again: first, second
        Set<String> first = ConcurrentHashMap.newKeySet();
        Set<String> second = ConcurrentHashMap.newKeySet();
        subscribe(node, "first", d -> first.add(d.text()), fast().build());
        subscribe(node, "second", d -> second.add(d.text()), fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> first.size() == 3 && second.contains("m3"));
        assertThat(second).containsExactly("m3");
    }

    @Test
    void aMessageSentByAnotherSqsClientIsDeliveredWithSqssIdAndBodyAsText() {
        SqsBroker broker = open(builder());
        broker.declare(topic, "g");
        String id = sqs.sendMessage(r -> r.queueUrl(queueUrl(prefix + QueueNames.escape(topic) + "__g"))
                .messageBody("{\"from\":\"elsewhere\"}")).messageId();
        List<Delivery> got = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", got::add, fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        assertThat(got.getFirst().id()).isEqualTo(id);
        assertThat(got.getFirst().text()).isEqualTo("{\"from\":\"elsewhere\"}");
        assertThat(got.getFirst().deliveries()).isEqualTo(1);
    }

    @Test
    void aMessageOverSqssSizeOnceEncodedIsRefusedNamingTheBody() {
        SqsBroker broker = open(builder());
        Outgoing.Builder m = Outgoing.bytes(new byte[100 * 1024]); // 136,536 bytes in base64
        for (int i = 0; i < 20; i++) {
            m.header("h" + i, "\u0001".repeat(4000)); // 4,000 characters, each six in JSON (\u0001)
        }
        assertThatThrownBy(() -> broker.publish(topic, m.build())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("body: a message on sqs may take at most 258048 bytes as SQS counts them");
        broker.declare(topic, "g");
        byte[] most = new byte[SqsBroker.MAX_MESSAGE_BYTES];
        most[0] = (byte) 0xff; // binary: base64
        broker.publish(topic, Outgoing.bytes(most).build()); // the advertised limit fits, in base64
    }

    @Test
    void whileSqsIsAwayTheBrokerIsDownPublishingFailsSayingWhereAndConsumingGoesOnAfter() {
        SqsBroker broker = open(builder().groupRefresh(Duration.ZERO));
        List<String> got = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", d -> got.add(d.text()), fast().build());
        ElasticMq.down(() -> {
            assertThat(broker.isHealthy()).isFalse();
            assertThatThrownBy(() -> broker.publish(topic, Outgoing.text("lost").build()))
                    .isInstanceOf(MessagingException.class).hasMessageContaining(topic)
                    .hasMessageContaining("on SQS at http://***@127.0.0.1:" + ElasticMq.port());
        });
        assertThat(broker.isHealthy()).isTrue();
        broker.publish(topic, Outgoing.text("after").build());
        await().atMost(Duration.ofSeconds(15)).until(() -> got.contains("after"));
        assertThat(got).containsExactly("after");
    }

    @Test
    void aGroupsQueueDeletedUnderItsConsumerIsMadeAgainAndReadingDeadLettersMakesNoQueue() {
        SqsBroker broker = open(builder().groupRefresh(Duration.ZERO));
        assertThat(broker.deadLetters(topic, 10)).isEmpty();
        assertThat(broker.redrive(topic, 10)).isZero();
        assertThat(sqs.listQueues(r -> r.queueNamePrefix(prefix)).queueUrls()).as("nothing made to read").isEmpty();
        List<String> got = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", d -> got.add(d.text()), fast().build());
        sqs.deleteQueue(r -> r.queueUrl(queueUrl(prefix + QueueNames.escape(topic) + "__g")));
        await().atMost(Duration.ofSeconds(10)).until(() -> !sqs.listQueues(r -> r.queueNamePrefix(prefix + QueueNames.escape(topic)
                + "__")).queueUrls().isEmpty());
        broker.publish(topic, Outgoing.text("again").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.contains("again"));
    }

    @Test
    void aClosedBrokerRefusesWorkAndIsDown() {
        SqsBroker broker = open(builder());
        broker.close();
        assertThat(broker.isHealthy()).isFalse();
        assertThatThrownBy(() -> broker.publish(topic, Outgoing.text("x").build())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }
}
