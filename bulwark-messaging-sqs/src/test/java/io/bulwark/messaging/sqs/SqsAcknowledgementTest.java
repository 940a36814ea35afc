package io.bulwark.messaging.sqs;

import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.Outgoing;
import io.bulwark.messaging.SubscribeOptions;
import io.bulwark.messaging.Subscription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a consumer acknowledges on SQS: ten to a {@code DeleteMessageBatch}, an entry SQS fails
 * coming back, and a stop deleting what was handled before it returns. Requests are seen with an
 * SDK interceptor on the broker's own client.
 */
class SqsAcknowledgementTest {

    private final String prefix = "bwt" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final String topic = "t." + UUID.randomUUID().toString().substring(0, 8);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final List<SqsBroker> brokers = new ArrayList<>();
    private final SqsClient sqs = ElasticMq.client();
    /** Deletes the broker asked for: one {@code DeleteMessage} each, and the entries of each {@code DeleteMessageBatch}. */
    private final AtomicInteger singleDeletes = new AtomicInteger();
    private final List<Integer> batchDeletes = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        subscriptions.forEach(s -> s.stop(Duration.ZERO));
        brokers.forEach(SqsBroker::close);
        sqs.close();
    }

    private final ExecutionInterceptor countDeletes = new ExecutionInterceptor() {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof DeleteMessageRequest) {
                singleDeletes.incrementAndGet();
            } else if (context.request() instanceof DeleteMessageBatchRequest b) {
                batchDeletes.add(b.entries().size());
            }
        }
    };

    private SqsBroker open(ExecutionInterceptor... interceptors) {
        SqsBroker.Builder b = SqsBroker.builder(ElasticMq.url()).prefix(prefix).timeout(Duration.ofSeconds(5))
                .meters(meters, "sqs-test").intercept(countDeletes);
        for (ExecutionInterceptor i : interceptors) {
            b.intercept(i);
        }
        SqsBroker broker = b.build();
        brokers.add(broker);
        return broker;
    }

    private static SubscribeOptions.Builder fast() {
        return SubscribeOptions.builder().claimAfter(Duration.ofSeconds(1)).grace(Duration.ofSeconds(1));
    }

    private Subscription subscribe(SqsBroker b, io.bulwark.messaging.MessageHandler h, SubscribeOptions o) {
        Subscription s = b.subscribe(topic, "g", h, o);
        subscriptions.add(s);
        return s;
    }

    private double counted(String name) {
        var c = meters.find(name).tag("topic", topic).counter();
        return c == null ? 0 : c.count();
    }

    /** The group queue's messages: waiting, and received but not deleted. */
    private Map<QueueAttributeName, String> left() {
        String url = sqs.getQueueUrl(r -> r.queueName(prefix + QueueNames.escape(topic) + "__g")).queueUrl();
        return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
    }

    /** Issue #14: one {@code DeleteMessage} per message held consumption on ElasticMQ to 0.38 of the raw client's. */
    @Test
    void handledMessagesAreDeletedTogetherInBatchesNotOneRequestEach() {
        SqsBroker broker = open();
        broker.declare(topic, "g");
        int n = 100;
        broker.publishAll(topic, IntStream.range(0, n).mapToObj(i -> Outgoing.text("m" + i).build()).toList());
        Set<String> done = ConcurrentHashMap.newKeySet();
        Subscription s = subscribe(broker, d -> done.add(d.text()), fast().concurrency(8).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> done.size() == n && s.inFlight() == 0);

        assertThat(singleDeletes).hasValue(0);
        assertThat(batchDeletes).allSatisfy(size -> assertThat(size).isBetween(1, 10));
        assertThat(batchDeletes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
        // One request per message would be 100; deliveries that finish together share one.
        assertThat(batchDeletes).as("batches of deletes").hasSizeLessThanOrEqualTo(n / 2);
        assertThat(counted("bulwark_messaging_acked_total")).isEqualTo(n);
        assertThat(left()).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
                .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
    }

    @Test
    void aStopDeletesWhatWasHandledBeforeItReturnsAndGivesBackOnlyWhatWasNot() throws Exception {
        SqsBroker broker = open();
        broker.declare(topic, "g");
        broker.publishAll(topic, IntStream.range(0, 5).mapToObj(i -> Outgoing.text("m" + i).build()).toList());
        Set<String> done = ConcurrentHashMap.newKeySet();
        CountDownLatch stuck = new CountDownLatch(1);
        // m4 never finishes: the consumer is not idle, so the other four wait to be acknowledged together.
        Subscription s = subscribe(broker, d -> {
            if (d.text().equals("m4")) {
                stuck.countDown();
                new CountDownLatch(1).await();
            }
            done.add(d.text());
        }, fast().concurrency(5).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 4 && stuck.getCount() == 0);

        assertThat(s.stop(Duration.ofMillis(200))).as("m4, interrupted").isEqualTo(1);
        // At once, no waiting: the four are deleted, m4 is back in the queue.
        assertThat(left()).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "1")
                .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
        assertThat(counted("bulwark_messaging_acked_total")).isEqualTo(4);
        List<String> again = new CopyOnWriteArrayList<>();
        subscribe(open(), d -> again.add(d.text()), fast().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> again.contains("m4"));
        assertThat(again).containsExactly("m4");
    }

    @Test
    void aMessageWhoseDeleteSqsFailsInABatchIsNotCountedAndComesBack() {
        // The first batch's first entry goes with a receipt handle SQS does not know: SQS fails that entry alone.
        AtomicBoolean spoiled = new AtomicBoolean();
        ExecutionInterceptor spoilOne = new ExecutionInterceptor() {
            @Override
            public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
                if (context.request() instanceof DeleteMessageBatchRequest b && spoiled.compareAndSet(false, true)) {
                    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(b.entries());
                    entries.set(0, entries.getFirst().toBuilder().receiptHandle("not-a-receipt-handle").build());
                    return b.toBuilder().entries(entries).build();
                }
                return context.request();
            }
        };
        SqsBroker broker = open(spoilOne);
        broker.declare(topic, "g");
        int n = 5;
        broker.publishAll(topic, IntStream.range(0, n).mapToObj(i -> Outgoing.text("m" + i).build()).toList());
        List<Delivery> got = new CopyOnWriteArrayList<>();
        Subscription s = subscribe(broker, got::add, fast().build());
        await().atMost(Duration.ofSeconds(15)).until(() -> got.size() == n + 1 && s.inFlight() == 0);

        assertThat(got).filteredOn(d -> d.deliveries() == 2).as("the one SQS did not delete").hasSize(1);
        assertThat(counted("bulwark_messaging_delivered_total")).isEqualTo(n + 1);
        assertThat(counted("bulwark_messaging_acked_total")).as("deleted: each message once").isEqualTo(n);
        assertThat(left()).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
                .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
    }
}
