package io.bulwark.ratelimit.internal;

import io.bulwark.ratelimit.Limit;

/** What every engine reads from its limit, read once. */
abstract class EngineBase implements LimitEngine {

    protected final Limit limit;
    protected final long permits;
    protected final long windowNanos;

    EngineBase(Limit limit) {
        this.limit = limit;
        this.permits = limit.permits();
        this.windowNanos = limit.windowNanos();
    }

    @Override
    public final Limit limit() {
        return limit;
    }
}
