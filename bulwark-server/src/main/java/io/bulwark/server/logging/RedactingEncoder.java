package io.bulwark.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wraps the text or JSON encoder and passes each finished line through a {@link Redactor}, so
 * that no credential reaches the log at any level, from any logger, in either format.
 */
public final class RedactingEncoder extends EncoderBase<ILoggingEvent> {

    private final Encoder<ILoggingEvent> delegate;
    private final AtomicReference<Redactor> redactor = new AtomicReference<>(Redactor.standard());

    public RedactingEncoder(Encoder<ILoggingEvent> delegate) {
        this.delegate = delegate;
    }

    /** The redactor in use. */
    public Redactor redactor() {
        return redactor.get();
    }

    /** Replaces the redactor; lines encoded from now on use the new one. */
    public void redactor(Redactor r) {
        redactor.set(r);
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] raw = delegate.encode(event);
        if (raw == null) {
            return null;
        }
        // Both encoders write UTF-8 (the JSON encoder always; the text encoder's default charset is set below).
        String line = new String(raw, StandardCharsets.UTF_8);
        String clean = redactor.get().redact(line);
        return clean.equals(line) ? raw : clean.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }

    @Override
    public void start() {
        if (!delegate.isStarted()) {
            delegate.start();
        }
        super.start();
    }

    @Override
    public void stop() {
        delegate.stop();
        super.stop();
    }
}
