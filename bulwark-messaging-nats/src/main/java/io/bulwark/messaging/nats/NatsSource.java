package io.bulwark.messaging.nats;

import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.MessagingException;
import io.bulwark.messaging.spi.DeliverySource;
import io.bulwark.messaging.spi.Received;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.PullRequestOptions;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.support.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One member of a group: pulls from the group's durable consumer through an inbox of its own.
 *
 * <p>Design notes. The source subscribes once to {@code <inbox>.*} and keeps that subscription
 * while it lives. A poll is one JetStream pull request for at most {@code max} messages, with
 * {@code no_wait} and {@code expires} set to the poll's wait, answered on {@code <inbox>.<n>}, a
 * subject of its own. The server ends such a pull either by sending its last allowed message, or
 * with a status: 408 once it has sent what was pending (or the wait ran out with nothing to
 * send), 409 when it refuses the request. <b>A poll returns only when its pull has ended</b>, so
 * no message of it arrives later and sits in the client where the {@code Consumer}, which extends
 * the claims of the deliveries it holds and only those, would not see it; the client never holds
 * more than the poll asked for.
 *
 * <p>That end is read from the server, never from a timer of the client. The simplified API's
 * {@code next} and {@code fetch}, used before, subscribed and unsubscribed on every call (several
 * round trips a poll); one fetch ended on the client's timer and closed its subscription while the
 * server was still sending it a message, which then came back only after {@code AckWait}, out of
 * order. Pulls are published here by hand ({@code $JS.API.CONSUMER.MSG.NEXT}) rather than through
 * jnats' pull subscription because its {@code nextMessage} does not say which pull a status ends.
 *
 * <p>When no end comes within the wait plus {@link #LATE} (the connection dropped, and the server
 * forgot the request with it), the pull is given up with its inbox, and the next poll subscribes a
 * new one: a message that would still arrive for it (only after a stall longer than {@code LATE})
 * would be delivered again after {@code AckWait}, never held unclaimed. A poll interrupted because
 * the consumer stops leaves its pull open; {@link #releaseUnpolled} reads it to its end and gives
 * back what arrives.
 */
final class NatsSource implements DeliverySource {

    /** JetStream's API subject for the next messages of a pull consumer (the default API prefix), less its stream and consumer. */
    static final String NEXT_PREFIX = "$JS.API.CONSUMER.MSG.NEXT.";
    private static final Logger LOG = LoggerFactory.getLogger(NatsSource.class);
    /** How long after its expiry the end of a pull may still arrive before the pull is given up. */
    private static final Duration LATE = Duration.ofSeconds(5);

    private final NatsBroker broker;
    private final String topic;
    private final String group;
    private final String next;
    /** Held by the poll and by {@link #releaseUnpolled}: the inbox and the open pull are read by one thread at a time. */
    private final ReentrantLock pulling = new ReentrantLock();
    private Subscription inbox;
    private String inboxPrefix;
    private long pulls;
    /** The pull not yet ended (a poll was interrupted), or null. */
    private Pull open;

    /** A pull request: its reply subject, how many messages it asked for and has received, when it is given up. */
    private static final class Pull {
        final String reply;
        final int batch;
        final long giveUpAt;
        int received;

        Pull(String reply, int batch, long giveUpAt) {
            this.reply = reply;
            this.batch = batch;
            this.giveUpAt = giveUpAt;
        }
    }

    NatsSource(NatsBroker broker, String topic, String group) {
        this.broker = broker;
        this.topic = topic;
        this.group = group;
        this.next = NEXT_PREFIX + broker.stream(topic) + "." + NatsBroker.escape(group);
    }

    /** The durable consumer's {@code num_pending} (not yet delivered) plus {@code num_ack_pending} (delivered, not acknowledged). */
    @Override
    public java.util.OptionalLong lag() throws Exception {
        io.nats.client.api.ConsumerInfo info = broker.jsm().getConsumerInfo(broker.stream(topic), NatsBroker.escape(group));
        return java.util.OptionalLong.of(info.getNumPending() + info.getNumAckPending());
    }

    /**
     * One pull of up to {@code max}, returned when the server has ended it: at once when messages
     * are pending, else when the first ones arrive or {@code wait} runs out. When the consumer's
     * thread is interrupted while it waits, returns what arrived so far and leaves the pull open
     * for {@link #releaseUnpolled} (or the next poll, which reads it on before asking for more).
     *
     * @throws InterruptedException when the thread was interrupted before the pull was sent
     */
    @Override
    public List<Received> poll(int max, Duration wait) throws Exception {
        List<Received> out = new ArrayList<>();
        if (max < 1) {
            return out;
        }
        pulling.lock();
        try {
            if (open == null) {
                open = pull(max, wait);
            }
            try {
                read(out, true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (MessagingException e) {
                throw e; // the server refused the pull, which ended it
            } catch (RuntimeException e) {
                forget();
                throw e;
            }
            return out;
        } finally {
            pulling.unlock();
        }
    }

    /**
     * Sends a pull request, or throws {@link InterruptedException} without one: jnats drops,
     * instead of sending, what a thread publishes (a subscription, a pull) while it is interrupted,
     * so a pull whose request it dropped must not count as open (a stopping consumer would wait
     * for its end in vain).
     */
    private Pull pull(int max, Duration wait) throws InterruptedException {
        Connection connection = broker.connection();
        if (Thread.interrupted()) {
            throw new InterruptedException("stopping: no pull sent");
        }
        if (inbox == null) {
            inboxPrefix = connection.createInbox();
            inbox = connection.subscribe(inboxPrefix + ".*");
            if (Thread.interrupted()) {
                forget(); // its subscription may not have reached the server
                throw new InterruptedException("stopping: no pull sent");
            }
        }
        String reply = inboxPrefix + "." + ++pulls;
        Pull p = new Pull(reply, max, System.nanoTime() + wait.plus(LATE).toNanos());
        connection.publish(next, reply, PullRequestOptions.noWait(max).expiresIn(wait).build().serialize());
        if (broker.droppedPull(reply)) {
            Thread.interrupted();
            throw new InterruptedException("stopping: no pull sent");
        }
        return p;
    }

    /**
     * After the client failed (its connection closed, the subscription gone): the next poll starts
     * on a new inbox; whatever the old one held the server gives back after {@code AckWait}.
     */
    private void forget() {
        open = null;
        Subscription old = inbox;
        inbox = null;
        try {
            if (old != null && old.isActive()) {
                uninterrupted(old::unsubscribe);
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not end the old inbox of {} in group {}: {}", topic, group, e.toString());
        }
    }

    /**
     * Reads the open pull into {@code out} until it ends (or is given up); then no pull is open. A
     * refusal is thrown only when {@code refusals} and nothing arrived.
     */
    private void read(List<Received> out, boolean refusals) throws InterruptedException {
        Pull p = open;
        while (p.received < p.batch) {
            long left = p.giveUpAt - System.nanoTime();
            if (left <= 0) {
                LOG.debug("Pull {} of {} in group {} did not end within {} of its expiry; given up with its inbox",
                        p.reply, topic, group, LATE);
                forget();
                return;
            }
            Message m = inbox.nextMessage(Duration.ofNanos(left));
            if (m == null) {
                continue;
            }
            if (m.isStatusMessage()) {
                // A status names the pull it ends (the reply subject); a message names its stream subject,
                // so every message here is the open pull's: no other pull is open.
                if (m.getSubject().equals(p.reply) && !m.getStatus().isHeartbeat()) {
                    open = null;
                    if (refusals) {
                        failIfRefused(m.getStatus(), out);
                    }
                    return;
                }
            } else {
                p.received++;
                add(m, out);
            }
        }
        open = null;
    }

    /**
     * The statuses that end a pull normally: 408 (what was pending was sent, or the wait ran out;
     * also "Requests Pending", when other members' pulls wait for what is there), 404, and the
     * passing 409s (too many pulls waiting, a server shutting down, a new leader). Any other (the
     * consumer was deleted, a request limit refuses our pull, no JetStream answers) is an error
     * the consumer reports and retries, unless messages came first: those are returned, and the
     * next pull meets the error.
     */
    private void failIfRefused(Status status, List<Received> out) {
        int code = status.getCode();
        String text = status.getMessage();
        boolean passing = code == Status.BAD_JS_REQUEST_CODE || code == Status.NOT_FOUND_CODE
                || code == Status.CONFLICT_CODE && (Status.EXCEEDED_MAX_WAITING.equals(text)
                || Status.SERVER_SHUTDOWN.equals(text) || Status.LEADERSHIP_CHANGE.equals(text));
        if (!passing && out.isEmpty()) {
            throw new MessagingException("NATS refused a pull from " + next + " (topic " + topic + ", group " + group
                    + "): " + code + " " + text);
        }
    }

    /**
     * Reads the pull a stopping consumer's poll left open to its end and gives back (NAK) each
     * message that arrives, so it is delivered again at once, not after {@code AckWait}. Waits for
     * the server's end of it: at most the pull's expiry (the consumer's poll wait), or {@link #LATE}
     * more when the server never ends it.
     */
    @Override
    public int releaseUnpolled() throws Exception {
        pulling.lock();
        try {
            if (open == null) {
                return 0;
            }
            if (broker.connection().getStatus() == Connection.Status.CLOSED) {
                open = null; // nothing more arrives; the server gives its messages back after AckWait
                return 0;
            }
            List<Received> rest = new ArrayList<>();
            try {
                read(rest, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // what arrived is given back; the rest after AckWait
            } catch (RuntimeException e) {
                forget();
                LOG.debug("Could not read the open pull of {} in group {} to its end: {}", topic, group, e.toString());
            }
            for (Received r : rest) {
                try {
                    release(r);
                } catch (RuntimeException e) {
                    LOG.debug("Could not give back message {} of {}: {}; the server delivers it again after its claim time",
                            r.delivery().id(), topic, e.toString());
                }
            }
            return rest.size();
        } finally {
            pulling.unlock();
        }
    }

    /** Adds {@code m}, or gives it back until its time when it is a delayed message received early. */
    private void add(Message m, List<Received> out) {
        String notBefore = header(m, NatsBroker.NOT_BEFORE);
        long now = broker.clock().millis();
        if (notBefore != null && Long.parseLong(notBefore) > now) {
            uninterrupted(() -> m.nakWithDelay(Duration.ofMillis(Long.parseLong(notBefore) - now)));
            return;
        }
        int delivered = (int) m.metaData().deliveredCount();
        // A delayed message was delivered once early and given back: that delivery is not the handler's.
        int deliveries = notBefore != null ? Math.max(1, delivered - 1) : delivered;
        out.add(new Received(delivery(topic, m, deliveries), m));
    }

    static Delivery delivery(String topic, Message m, int deliveries) {
        Map<String, String> headers = new LinkedHashMap<>();
        String id = null;
        String msgId = null;
        String key = null;
        long at = 0;
        Headers h = m.getHeaders();
        if (h != null) {
            for (String name : h.keySet()) {
                String value = h.getFirst(name);
                switch (name) {
                    case NatsBroker.ID -> id = value;
                    case NatsBroker.KEY -> key = value;
                    case NatsBroker.AT -> at = Long.parseLong(value);
                    case NatsBroker.MSG_ID -> msgId = value;
                    case NatsBroker.NOT_BEFORE, NatsBroker.GROUP -> {
                    }
                    default -> headers.put(name, value);
                }
            }
        }
        // A published message has its id as Nats-Msg-Id only; a copy (dead letter, redrive) as bulwark-id.
        return new Delivery(id != null ? id : msgId != null ? msgId : "?", topic, key, headers,
                m.getData() == null ? new byte[0] : m.getData(), deliveries, Instant.ofEpochMilli(at));
    }

    private static String header(Message m, String name) {
        return m.getHeaders() == null ? null : m.getHeaders().getFirst(name);
    }

    private static Message message(Received r) {
        return (Message) r.handle();
    }

    /**
     * Runs {@code publish} with the thread's interrupt flag cleared, then sets it again: jnats
     * silently drops what an interrupted thread publishes, and a handler interrupted at the end of
     * a stop's grace still gives its message back.
     */
    private static void uninterrupted(Runnable publish) {
        boolean interrupted = Thread.interrupted();
        try {
            publish.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void ack(Received r) {
        uninterrupted(message(r)::ack);
    }

    @Override
    public void retry(Received r, Duration delay) {
        uninterrupted(() -> message(r).nakWithDelay(delay));
    }

    @Override
    public void deadLetter(Received r, String reason) throws Exception {
        broker.keepDead(topic, group, message(r), reason.length() > 2000 ? reason.substring(0, 2000) : reason);
        uninterrupted(message(r)::term);
    }

    @Override
    public void release(Received r) {
        uninterrupted(message(r)::nak);
    }

    @Override
    public void touch(Received r) {
        uninterrupted(message(r)::inProgress);
    }

    /** Ends the inbox subscription; the durable consumer stays for the group's other members and for the next start. */
    @Override
    public void close() {
        pulling.lock();
        try {
            if (inbox != null && broker.connection().getStatus() != Connection.Status.CLOSED) {
                inbox.unsubscribe();
            }
            inbox = null;
        } catch (IllegalStateException e) {
            LOG.debug("The inbox of {} in group {} was already gone: {}", topic, group, e.toString());
        } finally {
            pulling.unlock();
        }
    }
}
