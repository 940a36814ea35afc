package io.bulwark.test.cluster.contention;

/**
 * The resource a lock guards in the contention harness: a counter and the greatest fencing token
 * that wrote it. The resource itself refuses a write whose token is not greater than the last
 * one, atomically with the write, as {@code UPDATE counter SET value = :v, fence = :token WHERE
 * fence < :token} would.
 */
public interface FencedCounter {

    /** The counter and the token of its last write (0 before any). */
    State read();

    /**
     * Writes {@code value} if {@code token} is greater than the last writer's; otherwise changes
     * nothing.
     *
     * @return true when written, false when refused as stale
     */
    boolean write(long value, long token);

    /**
     * @param value the counter
     * @param lastToken the token of the last accepted write
     */
    record State(long value, long lastToken) {
    }
}
