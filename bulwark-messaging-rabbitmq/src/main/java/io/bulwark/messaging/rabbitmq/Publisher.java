package io.bulwark.messaging.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.impl.recovery.AutorecoveringConnection;
import io.bulwark.messaging.MessagingException;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A few channels in confirm mode, lent one at a time, for publishing with publisher confirms and
 * for declaring.
 *
 * <p>Design notes. A confirm wait covers everything its channel published, so a channel is lent
 * to one thread at a time and several serve threads that publish at once (handlers retrying, say).
 * The channels are opened on the connection's current underlying connection, not on the
 * recovering one, for two reasons: a recovering channel records every queue declared on it to
 * declare it again after a recovery, forever, which per-delay queues would grow without bound;
 * and a confirm wait on a recovering channel goes to whichever channel is current, so a publish
 * sent just before a recovery could be wrongly taken as confirmed by the fresh channel's empty
 * wait. A plain channel dies with its connection: the publish fails, and the next one opens a
 * channel on the recovered connection. A channel closed by an error (a declaration refused) is
 * dropped, never lent again.
 */
final class Publisher implements AutoCloseable {

    /** A step run on a lent channel. */
    interface Work<T> {
        T run(Channel channel) throws IOException, TimeoutException, InterruptedException;
    }

    private final AutorecoveringConnection connection;
    private final Duration timeout;
    private final int size;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<Channel> idle = new ConcurrentLinkedDeque<>();
    private final String display;

    Publisher(AutorecoveringConnection connection, int size, Duration timeout, String display) {
        this.connection = connection;
        this.size = size;
        this.permits = new Semaphore(size);
        this.timeout = timeout;
        this.display = display;
    }

    /**
     * Runs {@code work} on a channel of its own; any failure leaves the channel out of the pool.
     *
     * @throws MessagingException when no channel is free within the timeout, or the connection is down
     */
    <T> T run(Work<T> work) throws IOException, TimeoutException, InterruptedException {
        if (!permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new MessagingException("all " + size + " publishing channels to RabbitMQ at " + display + " stayed busy for "
                    + timeout.toMillis() + " ms");
        }
        Channel ch = null;
        boolean ok = false;
        try {
            ch = borrow();
            T result = work.run(ch);
            ok = true;
            return result;
        } finally {
            if (ch != null) {
                if (ok && ch.isOpen()) {
                    idle.push(ch);
                } else {
                    abort(ch);
                }
            }
            permits.release();
        }
    }

    /** Waits for the broker to confirm everything published on {@code ch}; a nack or no answer in time fails. */
    void confirm(Channel ch, int count) throws InterruptedException, TimeoutException, IOException {
        try {
            if (!ch.waitForConfirms(timeout.toMillis())) {
                throw new MessagingException("RabbitMQ at " + display + " refused (nacked) " + (count == 1 ? "the message"
                        : "one or more of " + count + " messages"));
            }
        } catch (TimeoutException e) {
            throw new TimeoutException("RabbitMQ at " + display + " did not confirm " + count + " message(s) within "
                    + timeout.toMillis() + " ms");
        }
    }

    private Channel borrow() throws IOException {
        for (Channel ch = idle.poll(); ch != null; ch = idle.poll()) {
            if (ch.isOpen()) {
                return ch;
            }
        }
        Connection current = connection.getDelegate();
        if (current == null || !current.isOpen()) {
            throw new MessagingException("the connection to RabbitMQ at " + display + " is " + AmqpConnections.down(connection));
        }
        Channel ch = current.createChannel();
        if (ch == null) {
            throw new MessagingException("RabbitMQ at " + display + " has no channel left on this connection");
        }
        ch.confirmSelect();
        return ch;
    }

    private static void abort(Channel ch) {
        try {
            ch.abort();
        } catch (IOException | RuntimeException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        for (Channel ch = idle.poll(); ch != null; ch = idle.poll()) {
            abort(ch);
        }
    }
}
