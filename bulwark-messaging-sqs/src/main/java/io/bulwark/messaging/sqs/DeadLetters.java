package io.bulwark.messaging.sqs;

import io.bulwark.messaging.Broker;
import io.bulwark.messaging.Delivery;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A topic's dead letters, in the standard queue {@code <prefix><topic>_dead}: read without
 * removing them, and moved back to their groups' queues.
 *
 * <p>SQS has no way to read a message without receiving it, so reading receives them for
 * {@value #HOLD_SECONDS} s and gives them back at once (visibility 0): while it reads, another
 * reader or a {@code redrive} does not see them. The first receive waits up to a second (a long
 * poll asks every SQS server; a short one may answer empty from a sample of them), the next ones
 * do not wait, so reading an empty topic's dead letters takes a second.
 *
 * <p>Redrive is Bulwark's, not SQS's {@code StartMessageMoveTask}: that one moves everything at a
 * rate rather than {@code max} messages, and only what SQS itself moved there. Each dead letter is
 * sent to the queue of the group it died in ({@code bulwark-group}) as a new message (same id,
 * first delivery), then deleted from the dead letters: a failure between the two duplicates it,
 * never loses it. One whose group's queue is gone stays among the dead letters.
 */
final class DeadLetters {

    /** How long a read holds the dead letters it reads, should it die before giving them back. */
    static final int HOLD_SECONDS = 30;

    private final Supplier<SqsClient> client;
    private final Queues queues;
    private final int maxReceiveCount;

    DeadLetters(Supplier<SqsClient> client, Queues queues, int maxReceiveCount) {
        this.client = client;
        this.queues = queues;
        this.maxReceiveCount = maxReceiveCount;
    }

    /** Up to {@code max} dead letters of {@code topic}, oldest first, each with the reason it died. */
    List<Delivery> read(String topic, int max) {
        String url = queues.existingDead(topic);
        if (url == null) {
            return List.of(); // no group was ever declared: nothing to read, and nothing to create for a read
        }
        List<Message> got = receive(url, max);
        try {
            return got.stream().map(m -> delivery(topic, m))
                    .sorted(Comparator.comparing(Delivery::publishedAt)).toList();
        } finally {
            giveBack(url, got);
        }
    }

    /** A dead letter as {@link Broker#deadLetters} shows it: deliveries are those it had when it died. */
    private Delivery delivery(String topic, Message m) {
        Delivery d = Messages.delivery(topic, m, (int) Messages.longValue(m.messageAttributes(), Messages.DELIVERIES, 0));
        if (d.headers().containsKey(Broker.DEATH_HEADER)) {
            return d;
        }
        // Moved by SQS's own redrive policy (the backstop), which records no reason.
        var headers = new java.util.LinkedHashMap<>(d.headers());
        headers.put(Broker.DEATH_HEADER, "received more than " + maxReceiveCount + " times without being handled (moved"
                + " by the queue's SQS redrive policy)");
        return new Delivery(d.id(), d.topic(), d.key(), headers, d.body(), d.deliveries(), d.publishedAt());
    }

    /**
     * Moves up to {@code max} dead letters of {@code topic} back to their groups' queues, counting
     * each moved one in {@code moved} as it goes.
     */
    void redrive(String topic, int max, AtomicInteger moved) {
        String url = queues.existingDead(topic);
        if (url == null) {
            return;
        }
        List<Message> kept = new ArrayList<>(); // held (invisible) until the end, so not received again meanwhile
        try {
            while (moved.get() < max) {
                List<Message> batch = receive(url, Math.min(10, max - moved.get()));
                if (batch.isEmpty()) {
                    break;
                }
                for (Message m : batch) {
                    String group = Messages.string(m.messageAttributes(), Messages.GROUP);
                    String target = group == null ? null : queues.existingGroup(topic, group);
                    if (target == null) {
                        kept.add(m);
                        continue;
                    }
                    Messages.Encoded copy = Messages.copy(m).with(Messages.DEATH, null).with(Messages.DELIVERIES, null);
                    client.get().sendMessage(r -> r.queueUrl(target).messageBody(copy.body())
                            .messageAttributes(copy.attributes()));
                    client.get().deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
                    moved.incrementAndGet();
                }
            }
        } finally {
            giveBack(url, kept);
        }
    }

    /** Receives up to {@code max} messages of {@code url} for {@link #HOLD_SECONDS}. */
    private List<Message> receive(String url, int max) {
        List<Message> out = new ArrayList<>();
        boolean first = true;
        while (out.size() < max) {
            int n = Math.min(10, max - out.size());
            int wait = first ? 1 : 0;
            first = false;
            List<Message> got = client.get().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(n).waitTimeSeconds(wait)
                    .visibilityTimeout(HOLD_SECONDS).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
            if (got.isEmpty()) {
                break;
            }
            out.addAll(got);
        }
        return out;
    }

    /** Makes {@code messages} visible again at once. */
    private void giveBack(String url, List<Message> messages) {
        for (int from = 0; from < messages.size(); from += 10) {
            List<Message> part = messages.subList(from, Math.min(messages.size(), from + 10));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < part.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(part.get(i).receiptHandle()).visibilityTimeout(0).build());
            }
            client.get().changeMessageVisibilityBatch(r -> r.queueUrl(url).entries(entries));
        }
    }
}
