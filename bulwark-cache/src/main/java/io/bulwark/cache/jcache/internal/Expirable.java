package io.bulwark.cache.jcache.internal;

/**
 * A stored value and when it expires (clock milliseconds; {@link #ETERNAL} for never). The expiry
 * is mutable: a read moves it by the expiry policy's access duration.
 */
final class Expirable<V> {

    static final long ETERNAL = Long.MAX_VALUE;

    final V value;
    private volatile long expireAt;

    Expirable(V value, long expireAt) {
        this.value = value;
        this.expireAt = expireAt;
    }

    long expireAt() {
        return expireAt;
    }

    void expireAt(long millis) {
        this.expireAt = millis;
    }

    boolean expired(long nowMillis) {
        return expireAt != ETERNAL && nowMillis >= expireAt;
    }
}
