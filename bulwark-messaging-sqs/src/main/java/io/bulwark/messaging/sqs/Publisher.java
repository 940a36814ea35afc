package io.bulwark.messaging.sqs;

import io.bulwark.messaging.MessagingException;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * Sends a batch of messages to every group queue of a topic, in order, ten (and at most 256 KiB)
 * to a {@code SendMessageBatch}. A group queue deleted since the list was read is left out; any
 * other failure stops the publish and says which groups have the messages, since publishing again
 * would duplicate them there.
 */
final class Publisher {

    /** One message as sent, with its {@code DelaySeconds}. */
    record Entry(Messages.Encoded encoded, int delaySeconds) {
    }

    private final SqsBroker broker;
    private final String topic;

    Publisher(SqsBroker broker, String topic) {
        this.broker = broker;
        this.topic = topic;
    }

    void send(List<Entry> entries) {
        List<Queues.Group> groups;
        try {
            groups = broker.queues().groups(topic, false);
        } catch (RuntimeException e) {
            throw broker.failure("could not list the groups of " + topic + " to publish to", e);
        }
        List<String> reached = new ArrayList<>();
        for (Queues.Group g : groups) {
            try {
                sendTo(g, entries);
            } catch (QueueDoesNotExistException gone) {
                if (broker.queues().groups(topic, true).stream().noneMatch(x -> x.name().equals(g.name()))) {
                    continue; // deleted since the list was read: nobody to publish to there
                }
                throw failure(entries.size(), reached, g, gone);
            } catch (RuntimeException e) {
                throw failure(entries.size(), reached, g, e);
            }
            reached.add(g.name());
        }
    }

    private MessagingException failure(int n, List<String> reached, Queues.Group at, RuntimeException e) {
        return broker.failure("could not publish " + (n == 1 ? "a message" : n + " messages") + " to " + topic + " ("
                + (reached.isEmpty() ? "" : "the groups " + reached + " have " + (n == 1 ? "it" : "them") + "; ")
                + "the group " + at.name() + (reached.isEmpty() ? " and the others" : " and any after it")
                + " may have " + (n == 1 ? "it" : "some") + " or not: publishing again may duplicate "
                + (n == 1 ? "it" : "them") + ")", e);
    }

    private void sendTo(Queues.Group g, List<Entry> entries) {
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        int bytes = 0;
        for (Entry e : entries) {
            Messages.Encoded m = e.encoded().with(Messages.GROUP, Messages.text(g.name()));
            int size = m.bytes();
            if (batch.size() == 10 || (!batch.isEmpty() && bytes + size > Messages.SQS_MAX_BYTES)) {
                sendBatch(g, batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(batch.size())).messageBody(m.body())
                    .messageAttributes(m.attributes()).delaySeconds(e.delaySeconds()).build());
            bytes += size;
        }
        if (!batch.isEmpty()) {
            sendBatch(g, batch);
        }
    }

    private void sendBatch(Queues.Group g, List<SendMessageBatchRequestEntry> batch) {
        SendMessageBatchResponse answer = broker.client().sendMessageBatch(r -> r.queueUrl(g.url()).entries(batch));
        if (!answer.failed().isEmpty()) {
            BatchResultErrorEntry first = answer.failed().getFirst();
            throw new MessagingException(answer.failed().size() + " of a batch of " + batch.size() + " refused by the queue of"
                    + " group " + g.name() + " (" + (first.senderFault() ? "" : "not ") + "our fault): " + first.code() + " "
                    + first.message());
        }
    }
}
