package io.bulwark.cache.jcache.internal;

import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache's JSR-107 expiry policy turned into expiry times on its clock. A policy that throws is
 * treated as one that returned null (the expiry does not change), as JSR-107 asks.
 */
final class JExpiry {

    private static final Logger LOG = LoggerFactory.getLogger(JExpiry.class);
    /** From {@link #onUpdate()}: keep the entry's expiry. */
    static final long UNCHANGED = Long.MIN_VALUE;
    /** Caffeine drops an entry this long after its JSR-107 expiry, if no access removed it first. */
    private static final long GRACE_MILLIS = 60_000;

    private final ExpiryPolicy policy;
    private final InstantSource clock;
    private final String cache;

    JExpiry(ExpiryPolicy policy, InstantSource clock, String cache) {
        this.policy = policy;
        this.clock = clock;
        this.cache = cache;
    }

    ExpiryPolicy policy() {
        return policy;
    }

    long now() {
        return clock.millis();
    }

    /** The expiry of a new entry: {@link Expirable#ETERNAL}, 0 (do not keep it) or a time. */
    long onCreation() {
        Duration d = duration(true);
        return d == null ? Expirable.ETERNAL : at(d);
    }

    /** The expiry of an updated entry, or {@link #UNCHANGED}. */
    long onUpdate() {
        Duration d = duration(false);
        return d == null ? UNCHANGED : at(d);
    }

    /** Moves {@code e}'s expiry for an access; false when the policy leaves it as it is. */
    boolean onAccess(Expirable<?> e) {
        Duration d;
        try {
            d = policy.getExpiryForAccess();
        } catch (RuntimeException ex) {
            LOG.warn("The expiry policy of cache {} failed on an access; the entry's expiry stays as it was", cache, ex);
            return false;
        }
        if (d == null) {
            return false;
        }
        e.expireAt(at(d));
        return true;
    }

    /** How long Caffeine keeps {@code e}: until a minute after its expiry. */
    long storeNanos(Expirable<?> e) {
        long at = e.expireAt();
        if (at == Expirable.ETERNAL) {
            return Long.MAX_VALUE;
        }
        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, at - now()) + GRACE_MILLIS);
    }

    private Duration duration(boolean creation) {
        try {
            return creation ? policy.getExpiryForCreation() : policy.getExpiryForUpdate();
        } catch (RuntimeException ex) {
            LOG.warn("The expiry policy of cache {} failed; the entry keeps its expiry", cache, ex);
            return null;
        }
    }

    private long at(Duration d) {
        if (d.isZero()) {
            return 0;
        }
        if (d.isEternal()) {
            return Expirable.ETERNAL;
        }
        long at = d.getAdjustedTime(now());
        return at == 0 || at == Long.MAX_VALUE ? at - 1 : at;
    }
}
