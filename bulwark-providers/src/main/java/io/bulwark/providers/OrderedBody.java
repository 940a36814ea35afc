package io.bulwark.providers;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An answer's body read as an {@link InputStream} that gives every byte the client received
 * before the connection broke, and only then the break.
 *
 * <p>The JDK's {@code BodySubscribers.ofInputStream()} reports a failure as soon as it is told of
 * it, dropping the buffers received before it that were not read yet: a provider's stream that
 * breaks off would lose its last events on the way to the caller. Here the body's pieces, its end
 * and its failure go through one queue in the order the client delivered them. One list of
 * buffers is asked for at a time, so a slow reader holds the provider back instead of filling
 * memory. {@link InputStream#close()} from another thread ends a blocked read.
 */
final class OrderedBody implements HttpResponse.BodySubscriber<InputStream> {

    /** The body's end, after the last piece. */
    private static final Object END = new Object();
    /** Closed by the reader or another thread. */
    private static final Object CLOSED = new Object();

    private final BlockingQueue<Object> pieces = new LinkedBlockingQueue<>();
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    private final Stream stream = new Stream();

    /** A body handler whose answers are read through {@link OrderedBody}. */
    static HttpResponse.BodyHandler<InputStream> handler() {
        return info -> new OrderedBody();
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedStage(stream);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (!subscription.complete(Objects.requireNonNull(s))) {
            s.cancel();
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        pieces.add(item);
    }

    @Override
    public void onError(Throwable failure) {
        pieces.add(new Failure(failure));
    }

    @Override
    public void onComplete() {
        pieces.add(END);
    }

    private record Failure(Throwable cause) {
    }

    private final class Stream extends InputStream {

        private volatile boolean closed;
        private Iterator<ByteBuffer> list;
        private ByteBuffer current;
        /** What ended the stream: END, CLOSED or a Failure; null while it runs. */
        private Object ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            while (current == null || !current.hasRemaining()) {
                if (closed) {
                    throw new IOException("closed");
                }
                if (list != null && list.hasNext()) {
                    current = list.next();
                    continue;
                }
                if (list != null) {
                    list = null;
                    subscription.join().request(1); // this piece is read: the next one
                }
                if (ended == null) {
                    Object next;
                    try {
                        next = pieces.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted while reading a provider's answer");
                    }
                    if (next instanceof List<?> l) {
                        @SuppressWarnings("unchecked")
                        List<ByteBuffer> buffers = (List<ByteBuffer>) l;
                        list = buffers.iterator();
                        continue;
                    }
                    ended = next;
                }
                if (ended == END) {
                    return -1;
                }
                if (ended instanceof Failure f) {
                    throw f.cause() instanceof IOException io ? io : new IOException(f.cause());
                }
                throw new IOException("closed");
            }
            if (closed) {
                throw new IOException("closed");
            }
            int n = Math.min(len, current.remaining());
            current.get(b, off, n);
            return n;
        }

        @Override
        public synchronized int available() {
            ByteBuffer c = current;
            return c == null ? 0 : c.remaining();
        }

        @Override
        public void close() {
            // Not synchronized: it must end a read blocked in another thread.
            closed = true;
            subscription.thenAccept(Flow.Subscription::cancel);
            pieces.add(CLOSED);
        }
    }
}
