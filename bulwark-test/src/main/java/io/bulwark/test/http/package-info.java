/**
 * Local HTTP fixtures for tests: {@link io.bulwark.test.http.FlakyServer}, a server on
 * 127.0.0.1 that succeeds, fails, stalls or rate-limits on command and records what it was sent.
 *
 * <pre>{@code
 * try (FlakyServer users = FlakyServer.start("users-1")) {
 *     users.failNext(3, 503);          // the next three requests get 503
 *     ... call users.uri("/v1/users") ...
 *     assertThat(users.requests()).isEqualTo(4);
 * }
 * }</pre>
 */
package io.bulwark.test.http;
