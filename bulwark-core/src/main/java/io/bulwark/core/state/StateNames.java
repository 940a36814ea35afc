package io.bulwark.core.state;

/** The argument rules every {@link StateStore} applies, so that stores fail alike. */
public final class StateNames {

    /** The longest kind or name a store accepts. */
    public static final int MAX_LENGTH = 200;

    private StateNames() {
    }

    /** Throws when a kind or name is null, blank or longer than {@link #MAX_LENGTH}. */
    public static void check(String kind, String name) {
        checkOne("kind", kind);
        checkOne("name", name);
    }

    /** Throws when a history limit is below 1. */
    public static void checkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
    }

    /** Throws when an expected version is negative (0 means "does not exist yet"). */
    public static void checkVersion(long expectedVersion) {
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must be >= 0 (0: not stored yet) but was " + expectedVersion);
        }
    }

    private static void checkOne(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    what + " must be at most " + MAX_LENGTH + " characters but was " + value.length());
        }
    }
}
