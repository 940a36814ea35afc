package io.bulwark.resilience.internal;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Helpers for the exceptions that cross policy boundaries. */
public final class Failures {

    private Failures() {
    }

    /** The cause inside the wrappers that futures add ({@link CompletionException}, {@link ExecutionException}). */
    public static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Throws {@code error} as is (a checked exception too), for rethrowing from a Callable path. */
    @SuppressWarnings("unchecked")
    public static <E extends Throwable> RuntimeException sneakyThrow(Throwable error) throws E {
        throw (E) error;
    }
}
