package io.bulwark.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.jobs.Handlers;
import io.bulwark.jobs.JobFailure;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The handlers every Bulwark server has: {@code http} (call a URL) and the diagnostics
 * {@code builtin.noop}, {@code builtin.sleep} ({@code {"ms": n}}), {@code builtin.echo} and
 * {@code builtin.fail} ({@code {"times": n}}: fails the first n attempts) for smoke tests and
 * benchmarks.
 */
public final class BuiltinHandlers {

    /** {@code builtin.sleep}'s payload. */
    public record Sleep(long ms) {
        public Sleep {
            if (ms < 0 || ms > Duration.ofHours(24).toMillis()) {
                throw new IllegalArgumentException("ms must be from 0 to 86400000 but was " + ms);
            }
        }
    }

    /** {@code builtin.fail}'s payload. */
    public record Fail(int times) {
        public Fail {
            if (times < 0) {
                throw new IllegalArgumentException("times must be >= 0 but was " + times);
            }
        }
    }

    private BuiltinHandlers() {
    }

    /**
     * Registers every built-in handler.
     *
     * @param http the client the {@code http} handler uses
     * @param maxRetryAfter the longest {@code Retry-After} the {@code http} handler honours
     */
    public static Handlers registerAll(Handlers handlers, HttpClient http, Duration maxRetryAfter) {
        return registerAll(handlers, http, maxRetryAfter, GroupCalls.none());
    }

    /**
     * Registers every built-in handler, with the {@code http} handler able to call provider
     * groups ({@code url: group:NAME}) through {@code groups}.
     */
    public static Handlers registerAll(Handlers handlers, HttpClient http, Duration maxRetryAfter, GroupCalls groups) {
        handlers.register("builtin.noop", JsonNode.class, ctx -> null);
        handlers.register("builtin.echo", JsonNode.class, ctx -> ctx.payload());
        handlers.register("builtin.sleep", Sleep.class, ctx -> {
            Thread.sleep(ctx.payload().ms());
            return null;
        });
        handlers.register("builtin.fail", Fail.class, ctx -> {
            if (ctx.attempt() <= ctx.payload().times()) {
                throw new IllegalStateException("builtin.fail: attempt " + ctx.attempt() + " of the first "
                        + ctx.payload().times() + " fails on purpose");
            }
            return java.util.Map.of("attempts", ctx.attempt());
        });
        HttpJobHandler httpHandler = new HttpJobHandler(http, maxRetryAfter, groups);
        handlers.register(HttpJobHandler.TYPE, HttpJobHandler.Request.class, httpHandler);
        return handlers;
    }

    /** For handlers that must fail permanently on bad input. */
    static JobFailure invalid(String message) {
        return JobFailure.permanent(message);
    }
}
