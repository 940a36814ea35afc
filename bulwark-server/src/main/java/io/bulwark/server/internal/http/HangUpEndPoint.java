package io.bulwark.server.internal.http;

import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;

/**
 * A client connection that can be watched for a hang-up while one of its requests is handled.
 *
 * <p>Over HTTP/1.1 Jetty reads nothing from a connection while a request on it is being handled,
 * so a client that closes its side goes unnoticed until the answer is written: a call waiting in
 * the gateway's queue would wait its whole time for nobody. A {@link #watch} asks the selector to
 * say when the socket becomes readable and then reads it: the end of the stream is the hang-up.
 * Bytes that arrive instead (a pipelined request, a TLS alert before the close) are kept, up to
 * 16 KiB, and handed to Jetty by its next {@link #fill}, so nothing the client sent is lost.
 */
final class HangUpEndPoint extends SocketChannelEndPoint {

    private static final int MAX_KEPT = 16 * 1024;

    private final Executor executor;
    private final Object lock = new Object();
    /** Bytes read ahead by a watch, in Jetty's flush mode; null until a watch read some. */
    private volatile ByteBuffer kept;
    /** True while a watch registers its read interest, which must wait for the selector. */
    private volatile boolean watchRegistering;

    HangUpEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
                   Executor executor) {
        super(channel, selector, key, scheduler);
        this.executor = executor;
    }

    /**
     * Starts watching for the client to close its side; {@code onHangUp} runs once if it does
     * before {@link Watch#stop()}. A connection that something else reads already (HTTP/2, a
     * request body still arriving) is not watched: its reader sees the close.
     */
    Watch watch(Runnable onHangUp) {
        Watch w = new Watch(onHangUp);
        w.listen();
        return w;
    }

    @Override
    public int fill(ByteBuffer buffer) throws IOException {
        if (kept != null) {
            synchronized (lock) {
                if (BufferUtil.hasContent(kept)) {
                    return BufferUtil.append(buffer, kept);
                }
            }
        }
        return super.fill(buffer);
    }

    @Override
    protected void needsFillInterest() {
        ByteBuffer k = kept;
        if (!watchRegistering && k != null && BufferUtil.hasContent(k)) {
            // The bytes are here already; the selector would wait for more that may never come.
            executor.execute(getFillInterest()::fillable);
            return;
        }
        super.needsFillInterest();
    }

    /** Reads what the client sent into {@code kept}; -1 at the end of the stream, 0 when full. */
    private int readAhead() throws IOException {
        synchronized (lock) {
            if (kept == null) {
                kept = BufferUtil.allocate(MAX_KEPT);
            }
            if (BufferUtil.space(kept) == 0) {
                return 0;
            }
            return super.fill(kept);
        }
    }

    /** One watch of the connection, from a call's entry into a queue to its leaving it. */
    final class Watch implements Callback {

        private final Runnable onHangUp;
        private boolean stopped;
        private boolean listening;

        private Watch(Runnable onHangUp) {
            this.onHangUp = onHangUp;
        }

        private void listen() {
            synchronized (lock) {
                if (!stopped && isOpen() && !isInputShutdown()) {
                    register();
                }
            }
        }

        /** Asks the selector for the next readable moment; called holding the lock. */
        private void register() {
            watchRegistering = true;
            try {
                listening = tryFillInterested(this);
            } finally {
                watchRegistering = false;
            }
        }

        @Override
        public void succeeded() {
            int read;
            synchronized (lock) {
                listening = false;
                if (stopped) {
                    return;
                }
                try {
                    read = readAhead();
                } catch (IOException e) {
                    read = -1; // a reset connection: the client is gone all the same
                }
                if (read < 0) {
                    stopped = true;
                } else if (BufferUtil.space(kept) > 0) {
                    register();
                }
            }
            if (read < 0) {
                onHangUp.run();
            }
        }

        @Override
        public void failed(Throwable cause) {
            // Stopped, or the connection failed: the request's own failure listeners say so.
            synchronized (lock) {
                listening = false;
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        /**
         * Stops watching, before the answer is written: once the request completes, Jetty reads
         * the connection again and must find no other reader registered.
         */
        void stop() {
            synchronized (lock) {
                stopped = true;
                if (listening) {
                    listening = false;
                    getFillInterest().onFail(new StoppedWatch());
                }
            }
        }
    }

    /** The cause a stopped watch's read interest is withdrawn with. */
    private static final class StoppedWatch extends Exception {
        StoppedWatch() {
            super("watch stopped", null, false, false);
        }
    }
}
