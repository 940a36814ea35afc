package io.bulwark.test.http;

import java.time.Duration;

/** What a {@link FlakyServer} does with a request; one of these is current at any time. */
sealed interface Reply {

    /** 200 with the configured body, or an echo of the request body when {@code echo}. */
    record Succeed(String body, boolean echo) implements Reply {}

    /** An error status with a short body naming the server. */
    record Fail(int status) implements Reply {}

    /** 429 with {@code Retry-After} in whole seconds, rounded up. */
    record TooManyRequests(Duration retryAfter) implements Reply {}

    /** No answer until released or closed. */
    record Stall() implements Reply {}
}
