package io.bulwark.providers;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A streamed answer's body that runs an action once when it ends: at its last byte, or when it is
 * closed, whichever comes first (a failed read does not end it; its reader closes it). Providers
 * use it to hold their capacity slot until the stream ends, and groups to wake their queue then.
 */
final class StreamEnd extends FilterInputStream {

    private final Runnable atEnd;
    private final AtomicBoolean ended = new AtomicBoolean();

    StreamEnd(InputStream in, Runnable atEnd) {
        super(in);
        this.atEnd = atEnd;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            end();
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
            end();
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            end();
        }
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            atEnd.run();
        }
    }
}
