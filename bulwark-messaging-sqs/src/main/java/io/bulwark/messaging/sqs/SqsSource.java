package io.bulwark.messaging.sqs;

import io.bulwark.messaging.MessagingException;
import io.bulwark.messaging.spi.DeliverySource;
import io.bulwark.messaging.spi.Received;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One member of a group: receives from the group's queue with the subscription's
 * {@code claimAfter} as the visibility timeout.
 *
 * <p>Design notes. Acknowledgements go ten to a {@code DeleteMessageBatch} ({@link #ackBatch()}:
 * the consumer gathers the deliveries whose handlers returned, see {@code Consumer}); SQS answers
 * each entry on its own, and an entry it failed is not acknowledged (the consumer logs it, and SQS
 * delivers the message again after its visibility timeout). The other moves are one request per
 * message, as they are rare beside acknowledgements: retry is {@code ChangeMessageVisibility} to the
 * backoff (the message stays where it is and SQS counts the next receive); release is
 * {@code ChangeMessageVisibility} to 0; a dead letter is sent to the topic's dead-letter queue
 * first and deleted after, so a crash between the two duplicates a dead letter but never loses one.
 *
 * <p>The visibility timeout is {@code claimAfter} (rounded up to a second) plus the
 * {@value #RECEIVE_WAIT_SECONDS} s a receive waits. A consumer that dies leaves its last receive
 * open at SQS (a long poll lives until its wait ends, whoever is listening), and SQS would hand that
 * dead receive the consumer's own messages as they come back, counting a delivery nobody saw and
 * hiding them for another timeout; the extra second lets that receive end first.
 *
 * <p>The visibility timeout runs from the receive, for every message received, also those waiting
 * in the consumer's prefetch for a free handler: a wait longer than {@code claimAfter} would hand
 * them to another member while this one still holds them. So the source keeps every message it
 * returned and has not settled ({@link #held}), and each {@link #touch} (the consumer's heartbeat,
 * three times per {@code claimAfter}, for each running delivery) extends all of them whose last
 * extension is older than half a heartbeat, ten to a {@code ChangeMessageVisibilityBatch}: the
 * first touch of a round extends everything held, the others of that round find nothing to do.
 * Whenever deliveries wait in the prefetch, a handler is running, so a round does come.
 *
 * <p>A message delayed past SQS's 15 minutes arrives early, carrying its due time: it is sent on
 * to the same queue for the next stretch (at most 15 minutes) and then deleted, without going to a
 * handler; the copy's receive count starts again, so the handler's first delivery counts 1.
 */
final class SqsSource implements DeliverySource {

    private static final Logger LOG = LoggerFactory.getLogger(SqsSource.class);
    /** SQS's most messages in a receive or a batch request. */
    static final int BATCH = 10;
    /** How long a receive waits for a first message (a long poll; 0 would be a busy loop of short polls). */
    static final int RECEIVE_WAIT_SECONDS = 1;

    /** The broker's handle on a received message. */
    record Handle(String receipt, Message message) {
    }

    private final SqsBroker broker;
    private final String topic;
    private final String group;
    private final int visibility;
    private final Duration touchEvery;
    private final Map<String, Instant> held = new ConcurrentHashMap<>();
    private volatile String url;

    SqsSource(SqsBroker broker, String topic, String group, String url, Duration claimAfter) {
        this.broker = broker;
        this.topic = topic;
        this.group = group;
        this.url = url;
        // One receive's wait more than claimAfter: a consumer that dies with a receive open (its long
        // poll lives on at SQS for up to that wait) cannot take its own messages again as they come back.
        this.visibility = Math.min(Delays.MAX_VISIBILITY_SECONDS,
                Math.max(1, Delays.visibilitySeconds(claimAfter)) + RECEIVE_WAIT_SECONDS);
        this.touchEvery = claimAfter.dividedBy(3);
    }

    /**
     * The group queue's {@code ApproximateNumberOfMessages} (waiting) plus
     * {@code ApproximateNumberOfMessagesNotVisible} (received and not yet deleted: in flight, or
     * waiting out a retry's backoff). Delayed messages are not counted. On AWS both are
     * approximate and may trail by a minute.
     */
    @Override
    public java.util.OptionalLong lag() {
        Map<software.amazon.awssdk.services.sqs.model.QueueAttributeName, String> a = broker.client()
                .getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                        software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return java.util.OptionalLong.of(Long.parseLong(a.getOrDefault(
                software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
                + Long.parseLong(a.getOrDefault(
                software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")));
    }

    /** Waits {@value #RECEIVE_WAIT_SECONDS} s for a first message, whatever {@code wait} is (SQS waits whole seconds). */
    @Override
    public List<Received> poll(int max, Duration wait) {
        int n = Math.min(BATCH, Math.max(1, max));
        List<Message> got;
        try {
            got = broker.client().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(n).waitTimeSeconds(RECEIVE_WAIT_SECONDS)
                    .visibilityTimeout(visibility).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                            MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
        } catch (QueueDoesNotExistException e) {
            LOG.warn("The queue of group {} of {} on SQS at {} is gone (deleted?); it is created again, empty", group, topic,
                    broker.display());
            broker.queues().forget(topic);
            url = broker.queues().group(topic, group);
            return List.of();
        }
        List<Received> out = new ArrayList<>(got.size());
        Instant now = broker.clock().instant();
        for (Message m : got) {
            long notBefore = Messages.longValue(m.messageAttributes(), Messages.NOT_BEFORE, 0);
            if (notBefore > now.toEpochMilli()) {
                sendOn(m, Instant.ofEpochMilli(notBefore), now);
                continue;
            }
            held.put(m.receiptHandle(), now);
            out.add(new Received(Messages.delivery(topic, m, Messages.receiveCount(m)), new Handle(m.receiptHandle(), m)));
        }
        return out;
    }

    /** A long delay's message received before its time: sends it on for the next stretch, then deletes this copy. */
    private void sendOn(Message m, Instant notBefore, Instant now) {
        int seconds = Delays.nextStretch(now, notBefore, broker.maxNativeDelay());
        Messages.Encoded copy = Messages.copy(m);
        try {
            broker.client().sendMessage(r -> r.queueUrl(url).messageBody(copy.body()).messageAttributes(copy.attributes())
                    .delaySeconds(seconds));
            broker.client().deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
        } catch (SdkException e) {
            LOG.warn("Could not send on delayed message {} of {} (group {}) for its next {} s: {}; it comes back after {} s"
                    + " and is sent on then", Messages.string(m.messageAttributes(), Messages.ID), topic, group, seconds,
                    e.toString(), visibility);
        }
    }

    private static Handle handle(Received r) {
        return (Handle) r.handle();
    }

    @Override
    public void ack(Received r) {
        String receipt = handle(r).receipt();
        held.remove(receipt);
        broker.client().deleteMessage(b -> b.queueUrl(url).receiptHandle(receipt));
    }

    /** SQS's most entries in a {@code DeleteMessageBatch}. */
    @Override
    public int ackBatch() {
        return BATCH;
    }

    /**
     * One {@code DeleteMessageBatch} of {@code done} (at most ten); answers the entries SQS failed,
     * each with SQS's code and message. A message is no longer extended once its delete is asked,
     * so one whose delete failed comes back after its visibility timeout.
     */
    @Override
    public Map<Received, Exception> ackAll(List<Received> done) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(done.size());
        for (int i = 0; i < done.size(); i++) {
            String receipt = handle(done.get(i)).receipt();
            held.remove(receipt);
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(receipt).build());
        }
        DeleteMessageBatchResponse answer = broker.client().deleteMessageBatch(b -> b.queueUrl(url).entries(entries));
        if (answer.failed().isEmpty()) {
            return Map.of();
        }
        Map<Received, Exception> failed = new HashMap<>();
        for (BatchResultErrorEntry f : answer.failed()) {
            failed.put(done.get(Integer.parseInt(f.id())), new MessagingException("SQS did not delete it ("
                    + (Boolean.TRUE.equals(f.senderFault()) ? "sender" : "server") + " fault " + f.code() + ": " + f.message()
                    + ")"));
        }
        return failed;
    }

    @Override
    public void retry(Received r, Duration delay) {
        visible(r, Delays.visibilitySeconds(delay));
    }

    @Override
    public void deadLetter(Received r, String reason) {
        Handle h = handle(r);
        held.remove(h.receipt());
        broker.bury(topic, group, h.message(), reason, r.delivery().deliveries());
        broker.client().deleteMessage(b -> b.queueUrl(url).receiptHandle(h.receipt()));
    }

    @Override
    public void release(Received r) {
        visible(r, 0);
    }

    private void visible(Received r, int seconds) {
        String receipt = handle(r).receipt();
        held.remove(receipt);
        broker.client().changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(receipt).visibilityTimeout(seconds));
    }

    /** Extends every held message whose last extension is older than half a heartbeat (see the class notes). */
    @Override
    public void touch(Received r) {
        Instant now = broker.clock().instant();
        Instant due = now.minus(touchEvery.dividedBy(2));
        List<String> receipts = new ArrayList<>();
        held.forEach((receipt, at) -> {
            if (!at.isAfter(due)) {
                receipts.add(receipt);
            }
        });
        for (int from = 0; from < receipts.size(); from += BATCH) {
            List<String> part = receipts.subList(from, Math.min(receipts.size(), from + BATCH));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(part.size());
            for (int i = 0; i < part.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(part.get(i)).visibilityTimeout(visibility).build());
            }
            ChangeMessageVisibilityBatchResponse answer = broker.client()
                    .changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(entries));
            answer.successful().forEach(ok -> held.replace(part.get(Integer.parseInt(ok.id())), now));
            answer.failed().forEach(f -> LOG.debug("Could not extend the visibility of a message of {} (group {}): {} {}",
                    topic, group, f.code(), f.message()));
        }
    }

    @Override
    public void close() {
        held.clear(); // the queue is durable: it stays for the group's other members and the next start
    }
}
