package io.bulwark.redis.lock.internal;

import io.bulwark.cluster.LockGrant;
import java.time.Instant;

/**
 * Reads the value of a holder key, {@code token:acquired_us:until_us:owner} (times in Redis server
 * microseconds since the epoch; the owner last, so it may contain ':'), as the scripts write it.
 */
public final class HolderValue {

    private HolderValue() {
    }

    /**
     * The grant {@code value} encodes for lock {@code name}.
     *
     * @throws IllegalStateException naming the key when the value is not one the scripts write
     *         (another program wrote under the lock namespace)
     */
    public static LockGrant parse(String name, String key, String value) {
        String[] parts = value.split(":", 4);
        if (parts.length != 4) {
            throw malformed(key, value, null);
        }
        try {
            return new LockGrant(name, parts[3], Long.parseLong(parts[0]), micros(Long.parseLong(parts[1])),
                    micros(Long.parseLong(parts[2])));
        } catch (NumberFormatException e) {
            throw malformed(key, value, e);
        }
    }

    /** Redis server time in microseconds since the epoch, as an instant. */
    public static Instant micros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    private static IllegalStateException malformed(String key, String value, Exception cause) {
        String shown = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        return new IllegalStateException("Redis key '" + key + "' holds '" + shown + "', which is not a lock holder"
                + " (token:acquired_us:until_us:owner); is another program writing under the lock namespace?", cause);
    }
}
