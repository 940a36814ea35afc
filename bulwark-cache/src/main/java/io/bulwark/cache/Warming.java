package io.bulwark.cache;

import java.util.concurrent.CompletableFuture;

/**
 * A running (or finished) warm-up, returned by {@link Cache#warm()}.
 *
 * <pre>{@code
 * Warming w = products.warm();
 * w.progress().fraction();            // 0.42
 * WarmProgress end = w.done().join(); // DONE, 1000 loaded
 * }</pre>
 */
public interface Warming {

    /** How far it got, now. */
    WarmProgress progress();

    /** Completes with the final progress when the warm-up ends; never completes exceptionally. */
    CompletableFuture<WarmProgress> done();
}
