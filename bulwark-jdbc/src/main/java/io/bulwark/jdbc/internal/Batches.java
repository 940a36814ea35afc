package io.bulwark.jdbc.internal;

import java.util.function.IntUnaryOperator;

/**
 * Deleting in batches, one transaction each, so that a large purge or prune never holds many
 * locks (or the embedded store's single writer) for long. Shared by every JDBC store.
 */
public final class Batches {

    /** Rows per batch. */
    public static final int SIZE = 1_000;

    private Batches() {
    }

    /**
     * Calls {@code deleteUpTo(n)} with {@code n} ≤ {@link #SIZE} until it deletes fewer than asked or
     * {@code limit} rows are gone; returns how many went.
     */
    public static int delete(int limit, IntUnaryOperator deleteUpTo) {
        int total = 0;
        while (total < limit) {
            int want = Math.min(SIZE, limit - total);
            int n = deleteUpTo.applyAsInt(want);
            total += n;
            if (n < want) {
                break;
            }
        }
        return total;
    }
}
