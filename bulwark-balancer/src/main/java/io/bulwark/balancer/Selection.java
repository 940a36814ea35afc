package io.bulwark.balancer;

import java.net.URI;

/**
 * One pick of an endpoint, holding one of its in-flight slots until completed. Complete it exactly
 * once with the outcome, so in-flight counts, latency averages and outlier detection stay right;
 * later calls are ignored. {@link #close()} releases the slot without an outcome when the request
 * was never sent.
 *
 * <pre>{@code
 * try (Selection s = balancer.pick()) {
 *     HttpResponse<String> r = http.send(request(s.uri().resolve("/users/42")), ofString());
 *     s.complete(r.statusCode());
 * } catch (IOException e) {
 *     // complete(...) was not reached: record the failure (close() alone would not)
 * }
 * }</pre>
 */
public interface Selection extends AutoCloseable {

    /** The endpoint chosen. */
    Endpoint endpoint();

    /** The endpoint's base URI. */
    default URI uri() {
        return endpoint().uri();
    }

    /** Records an HTTP outcome with the latency measured by the caller. */
    void complete(int status, long latencyNanos);

    /** Records an HTTP outcome, measuring latency with the balancer's ticker since the pick. */
    void complete(int status);

    /** Records a failure without a response (connect refused, reset, timeout): a gateway error. */
    void fail(Throwable error);

    /** Whether an outcome was recorded or the slot released. */
    boolean isDone();

    /** Releases the in-flight slot without recording an outcome, unless one was recorded. */
    @Override
    void close();
}
