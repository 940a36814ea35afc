package io.bulwark.messaging.kafka;

import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.MessagingException;
import io.bulwark.messaging.Outgoing;
import io.bulwark.messaging.Reject;
import io.bulwark.messaging.SubscribeOptions;
import io.bulwark.messaging.Subscription;
import io.bulwark.resilience.retry.Backoff;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What the Kafka broker does beyond the contract: partitions, commits, its own topics, its own input checks. */
@ExtendWith(InProcessKafka.class)
class KafkaBehaviourTest {

    private final String prefix = "b" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final String topic = "orders";
    private final List<Broker> brokers = new ArrayList<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private Broker broker;

    @BeforeEach
    void open() {
        broker = open(6);
    }

    @AfterEach
    void close() {
        subscriptions.forEach(s -> s.stop(Duration.ZERO));
        brokers.forEach(Broker::close);
    }

    private KafkaBroker open(int partitions) {
        KafkaBroker b = KafkaBroker.builder(InProcessKafka.url()).prefix(prefix).partitions(partitions)
                .timeout(Duration.ofSeconds(30)).build(); // generous: a new topic on a busy CI machine takes seconds
        brokers.add(b);
        return b;
    }

    private static SubscribeOptions.Builder fast() {
        return SubscribeOptions.builder().backoff(Backoff.of(Duration.ofMillis(200), 2.0, Duration.ofSeconds(1)))
                .claimAfter(Duration.ofSeconds(1)).grace(Duration.ofSeconds(2));
    }

    private Subscription subscribe(Broker b, String group, io.bulwark.messaging.MessageHandler h, SubscribeOptions o) {
        Subscription s = b.subscribe(topic, group, h, o);
        subscriptions.add(s);
        return s;
    }

    @Test
    void aKeysMessagesKeepTheirOrderWhileTheGroupsMembersShareThePartitions() {
        broker.declare(topic, "g");
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        Map<String, Set<String>> byMember = new ConcurrentHashMap<>();
        for (String member : List.of("one", "two")) {
            subscribe(member.equals("one") ? broker : open(6), "g", d -> {
                seen.computeIfAbsent(d.key(), k -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(d.text()));
                byMember.computeIfAbsent(member, m -> ConcurrentHashMap.newKeySet()).add(d.key());
            }, fast().concurrency(1).build());
        }
        int keys = 12;
        int each = 20;
        List<Outgoing> messages = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            for (int k = 0; k < keys; k++) {
                messages.add(Outgoing.text(Integer.toString(i)).key("customer-" + k).build());
            }
        }
        broker.publishAll(topic, messages);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> seen.values().stream().mapToInt(List::size).sum() == keys * each);
        List<Integer> inOrder = IntStream.range(0, each).boxed().toList();
        seen.forEach((key, got) -> assertThat(got).as("the order of " + key).isEqualTo(inOrder));
        assertThat(byMember).as("both members had partitions").hasSize(2);
        Set<String> both = new java.util.HashSet<>(byMember.get("one"));
        both.retainAll(byMember.get("two"));
        assertThat(both).as("a key's messages went to one member").isEmpty();
    }

    @Test
    void theCommitNeverPassesAMessageStillBeingHandledAndWhatIsDoneBeyondItIsNotDeliveredAgain() throws Exception {
        KafkaBroker one = open(1);
        one.declare(topic, "g");
        one.publishAll(topic, IntStream.range(0, 10).mapToObj(i -> Outgoing.text("m" + i).build()).toList());
        CountDownLatch stuck = new CountDownLatch(1);
        Set<String> done = ConcurrentHashMap.newKeySet();
        KafkaBroker doomed = open(1);
        subscribe(doomed, "g", d -> {
            if (d.text().equals("m3")) {
                stuck.countDown();
                new CountDownLatch(1).await(); // never finishes: the member dies holding it
            }
            done.add(d.text());
        }, fast().concurrency(4).claimAfter(Duration.ofSeconds(3)).build());
        assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 9);
        TopicPartition p0 = new TopicPartition(prefix + topic, 0);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", InProcessKafka.url().substring("kafka://".length())))) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                OffsetAndMetadata c = admin.listConsumerGroupOffsets(prefix + topic + ":g").partitionsToOffsetAndMetadata()
                        .get().get(p0);
                assertThat(c.offset()).as("m3, the lowest not finished").isEqualTo(3);
                assertThat(c.metadata()).as("m3 handed out once, m4..m9 done").isEqualTo("b1;0+1=1;1+6=d");
            });
            doomed.abandon();
            assertThat(admin.describeConsumerGroups(List.of(prefix + topic + ":g")).all().get().get(prefix + topic + ":g")
                    .members()).as("a crashed member leaves no word: the group waits for its session (3 s) to time out")
                    .hasSize(1);
        }

        List<Delivery> again = new CopyOnWriteArrayList<>();
        subscribe(one, "g", again::add, fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> !again.isEmpty());
        one.publish(topic, Outgoing.text("marker").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> again.size() == 2);
        assertThat(again).extracting(Delivery::text).containsExactly("m3", "marker");
        assertThat(again.getFirst().deliveries()).isEqualTo(2);
    }

    @Test
    void aMemberGivingUpAPartitionFinishesWhatItHandlesThereBeforeTheNewMemberGetsIt() throws Exception {
        KafkaBroker first = open(2);
        first.declare(topic, "g");
        String[] keys = keysOfEachPartition(2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(2);
        List<String> one = new CopyOnWriteArrayList<>();
        List<String> two = new CopyOnWriteArrayList<>();
        subscribe(first, "g", d -> {
            one.add(d.text());
            holding.countDown();
            release.await();
        }, fast().concurrency(2).build());
        first.publish(topic, Outgoing.text("a").key(keys[0]).build());
        first.publish(topic, Outgoing.text("b").key(keys[1]).build());
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

        subscribe(open(2), "g", d -> two.add(d.text()), fast().build());
        String groupId = prefix + topic + ":g";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", InProcessKafka.url().substring("kafka://".length())))) {
            // One partition is to move to the new member, but its message is in flight: the first member
            // gives it up only when that is finished, so meanwhile the group has it assigned to no one.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> topicPartitionsAssigned(admin, groupId) == 1);
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> topicPartitionsAssigned(admin, groupId) == 2);
        }
        first.publish(topic, Outgoing.text("c").key(keys[0]).build());
        first.publish(topic, Outgoing.text("d").key(keys[1]).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> one.size() + two.size() == 4);
        assertThat(one.subList(0, 2)).containsExactlyInAnyOrder("a", "b");
        assertThat(one).doesNotHaveDuplicates();
        assertThat(two).as("the moved partition's new messages only").hasSize(1).isSubsetOf("c", "d");
    }

    /** How many partitions of the topic the members of {@code groupId} have, as its coordinator has them assigned. */
    private int topicPartitionsAssigned(Admin admin, String groupId) throws Exception {
        return admin.describeConsumerGroups(List.of(groupId)).all().get().get(groupId).members().stream()
                .mapToInt(m -> (int) m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(prefix + topic))
                        .count()).sum();
    }

    /** A key for each of {@code n} partitions, as Kafka's producer places keys. */
    private static String[] keysOfEachPartition(int n) {
        String[] keys = new String[n];
        for (int i = 0, found = 0; found < n; i++) {
            byte[] k = ("key-" + i).getBytes(StandardCharsets.UTF_8);
            int p = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(k)) % n;
            if (keys[p] == null) {
                keys[p] = "key-" + i;
                found++;
            }
        }
        return keys;
    }

    @Test
    void aLongDelayHoldsUpNothingPublishedAfterIt() {
        broker.declare(topic, "g");
        broker.publish(topic, Outgoing.text("in a minute").key("k").delay(Duration.ofMinutes(1)).build());
        broker.publish(topic, Outgoing.text("soon").key("k").delay(Duration.ofMillis(200)).build());
        broker.publish(topic, Outgoing.text("now").key("k").build());
        List<String> got = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", d -> got.add(d.text()), fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(got).containsExactly("now", "soon");
    }

    @Test
    void aRetryGoesOnlyToTheGroupThatFailedAndARedriveOnlyToTheGroupItDiedIn() {
        broker.declare(topic, "billing");
        broker.declare(topic, "audit");
        List<String> billing = new CopyOnWriteArrayList<>();
        List<String> audit = new CopyOnWriteArrayList<>();
        subscribe(broker, "billing", d -> {
            billing.add(d.text() + "#" + d.deliveries());
            if (d.deliveries() == 1) {
                throw new IllegalStateException("once");
            }
            if (d.text().equals("bad") && billing.stream().filter(s -> s.startsWith("bad")).count() == 2) {
                throw new Reject("not today");
            }
        }, fast().build());
        subscribe(broker, "audit", d -> audit.add(d.text() + "#" + d.deliveries()), fast().build());
        broker.publish(topic, Outgoing.text("ok").build());
        broker.publish(topic, Outgoing.text("bad").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.deadLetters(topic, 10).size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> billing.size() == 4);
        assertThat(billing).containsExactlyInAnyOrder("ok#1", "ok#2", "bad#1", "bad#2");
        Delivery dead = broker.deadLetters(topic, 10).getFirst();
        assertThat(dead.headers()).containsEntry(Broker.DEATH_HEADER, "rejected: not today");
        assertThat(dead.deliveries()).as("deliveries before it died").isEqualTo(2);

        assertThat(broker.redrive(topic, 10)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> billing.size() >= 6);
        assertThat(billing.subList(4, 6)).as("afresh, then its retry").containsExactly("bad#1", "bad#2");
        assertThat(audit).containsExactlyInAnyOrder("ok#1", "bad#1");
        assertThat(broker.deadLetters(topic, 10)).isEmpty();
    }

    @Test
    void aRecordAnotherProducerWroteIsDeliveredWithAnIdOfItsPlace() {
        broker.declare(topic, "g");
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers",
                InProcessKafka.url().substring("kafka://".length())), new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(prefix + topic, 2, null, "k".getBytes(StandardCharsets.UTF_8),
                    "plain".getBytes(StandardCharsets.UTF_8));
            r.headers().add("trace", "abc".getBytes(StandardCharsets.UTF_8));
            raw.send(r);
        }
        List<Delivery> got = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", got::add, fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        Delivery d = got.getFirst();
        assertThat(d.id()).isEqualTo(prefix + topic + "-2-0");
        assertThat(d.key()).isEqualTo("k");
        assertThat(d.text()).isEqualTo("plain");
        assertThat(d.headers()).containsExactly(Map.entry("trace", "abc"));
        assertThat(d.deliveries()).isEqualTo(1);
    }

    @Test
    void headerNamesOfItsOwnAndDelaysLongerThanItKeepsAreRefused() {
        assertThatThrownBy(() -> broker.publish(topic, Outgoing.text("x").header("bulwark-id", "mine").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("headers: 'bulwark-id' is reserved on kafka (names starting with bulwark- carry Bulwark's own"
                        + " fields)");
        assertThatThrownBy(() -> broker.publish(topic, Outgoing.text("x").delay(Duration.ofDays(8)).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("delay must be at most PT168H on this kafka broker");
        assertThatThrownBy(() -> broker.publish(topic, Outgoing.bytes(new byte[KafkaBroker.MAX_MESSAGE_BYTES - 10])
                .key("a-key-of-some-length").build())).hasMessageStartingWith("body: ");
        assertThatThrownBy(() -> broker.deadLetters(topic, -1)).hasMessage("max must be >= 0 but was -1");
    }

    @Test
    void aMessageOfTheLargestSizeGoesThrough() {
        broker.declare(topic, "g");
        byte[] big = new byte[KafkaBroker.MAX_MESSAGE_BYTES - 100];
        big[big.length - 1] = 7;
        broker.publish(topic, Outgoing.bytes(big).header("h", "v").build());
        List<Delivery> got = new CopyOnWriteArrayList<>();
        subscribe(broker, "g", got::add, fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        assertThat(got.getFirst().body()).isEqualTo(big);
    }

    @Test
    void aClosedBrokerIsNotHealthyAndRefusesWork() {
        KafkaBroker b = open(1);
        assertThat(b.isHealthy()).isTrue();
        b.close();
        assertThat(b.isHealthy()).isFalse();
        assertThatThrownBy(() -> b.publish(topic, Outgoing.text("x").build())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }

    @Test
    void aClusterThatCannotBeReachedFailsTheBuildSayingWhereWithoutThePassword() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        int port = closed;
        assertThatThrownBy(() -> KafkaBroker.builder("kafka://app:s3cret@127.0.0.1:" + port).clientName("nowhere")
                .timeout(Duration.ofSeconds(1)).build())
                .isInstanceOf(MessagingException.class)
                .hasMessageStartingWith("cannot connect to Kafka at kafka://app:***@127.0.0.1:" + port + " (connection nowhere): ")
                .message().doesNotContain("s3cret");
    }
}
