package io.bulwark.providers;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A body read in the order the client delivered it: every piece, then the end or the break. */
class OrderedBodyTest {

    private final AtomicLong requested = new AtomicLong();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final Flow.Subscription subscription = new Flow.Subscription() {
        @Override
        public void request(long n) {
            requested.addAndGet(n);
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    };

    private static List<ByteBuffer> piece(String text) {
        return List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static InputStream streamOf(OrderedBody body) {
        return body.getBody().toCompletableFuture().join();
    }

    @Test
    void piecesReceivedBeforeABreakAreAllReadThenTheBreak() throws IOException {
        OrderedBody body = new OrderedBody();
        body.onSubscribe(subscription);
        body.onNext(piece("data: one\n\n"));
        body.onNext(List.of(ByteBuffer.wrap("data: ".getBytes(StandardCharsets.UTF_8)),
                ByteBuffer.wrap("two\n\n".getBytes(StandardCharsets.UTF_8))));
        EOFException broke = new EOFException("EOF reached while reading");
        body.onError(broke); // told of the break before anything was read

        InputStream in = streamOf(body);
        byte[] got = new byte[22];
        int n = 0;
        while (n < got.length) {
            n += in.read(got, n, got.length - n);
        }
        assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("data: one\n\ndata: two\n\n");
        assertThatThrownBy(in::read).isSameAs(broke);
        assertThatThrownBy(in::read).as("the break stays").isSameAs(broke);
    }

    @Test
    void onePieceIsAskedForAtATimeAndTheEndReadsAsEndOfStream() throws IOException {
        OrderedBody body = new OrderedBody();
        body.onSubscribe(subscription);
        assertThat(requested.get()).isEqualTo(1);
        body.onNext(piece("ab"));
        body.onComplete();

        InputStream in = streamOf(body);
        assertThat(in.read()).isEqualTo('a');
        assertThat(requested.get()).as("the piece is not read through yet").isEqualTo(1);
        assertThat(in.read()).isEqualTo('b');
        assertThat(in.read()).isEqualTo(-1);
        assertThat(requested.get()).isEqualTo(2);
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void closingFromAnotherThreadEndsABlockedReadAndCancels() throws Exception {
        OrderedBody body = new OrderedBody();
        body.onSubscribe(subscription);
        InputStream in = streamOf(body);
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                in.read();
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        in.close();
        assertThat(reader.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class).hasMessage("closed");
        assertThat(cancelled).isTrue();
        body.onNext(piece("late")); // what still arrives is not read
        assertThatThrownBy(in::read).hasMessage("closed");
    }
}
