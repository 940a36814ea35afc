package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.Secret;
import io.bulwark.core.config.ValueTypes;

import java.time.Duration;
import java.util.List;

/**
 * Config keys of the gateway's async calls ({@code Prefer: respond-async}) and their callbacks:
 * {@code gateway.async.*} and {@code gateway.callbacks.*} (docs/providers.md#async-calls). They
 * live under {@code gateway.}, not {@code providers.}, because every {@code providers.<name>.*}
 * key names a provider.
 */
public final class CallKeys {

    public static final ConfigKey<String> QUEUE = ConfigKey.builder("gateway.async.queue", ValueTypes.string())
            .defaultValue("bulwark-calls")
            .description("The job queue async gateway calls run on; its concurrency, pause and dead letters are the "
                    + "queue's (jobs.queues.<name>.*).").build();

    public static final ConfigKey<Integer> MAX_ATTEMPTS = ConfigKey.builder("gateway.async.maxAttempts",
                    ValueTypes.integer(1, 100)).defaultValue(10)
            .description("How many times an async call is tried when no provider of its group could answer (each try "
                    + "runs the group's own retries and failover); then it fails for good.").build();

    public static final ConfigKey<Secret> CALLBACK_SECRET = ConfigKey.builder("gateway.callbacks.secret",
                    ValueTypes.secret()).secret()
            .description("The key of a callback's X-Bulwark-Signature: sha256=HMAC-SHA256(key, body) in hex. Unset: "
                    + "calls that ask for a callback (X-Bulwark-Callback) are refused, since an unsigned result cannot be "
                    + "trusted by its receiver.").build();

    public static final ConfigKey<Boolean> CALLBACK_ALLOW_PRIVATE = ConfigKey.builder("gateway.callbacks.allowPrivate",
                    ValueTypes.bool()).defaultValue(false)
            .description("Whether a callback URL may point at a loopback, link-local, private (10/8, 172.16/12, "
                    + "192.168/16, fc00::/7) or unspecified address. Off: such URLs are refused when the call is made and "
                    + "again when the callback is sent, so the gateway cannot be used to reach internal services.").build();

    public static final ConfigKey<Integer> CALLBACK_MAX_ATTEMPTS = ConfigKey.builder("gateway.callbacks.maxAttempts",
                    ValueTypes.integer(1, 100)).defaultValue(8)
            .description("How many times a callback is sent before it is given up (a connection error, a timeout, 408, "
                    + "429 or a 5xx is tried again with backoff; another 4xx is not).").build();

    public static final ConfigKey<Duration> CALLBACK_TIMEOUT = ConfigKey.builder("gateway.callbacks.timeout",
                    ValueTypes.duration(Duration.ofMillis(100), Duration.ofMinutes(10))).defaultValue(Duration.ofSeconds(10))
            .description("The longest one callback request may take.").build();

    /** Every key. */
    public static final List<ConfigKey<?>> ALL = List.of(QUEUE, MAX_ATTEMPTS, CALLBACK_SECRET, CALLBACK_ALLOW_PRIVATE,
            CALLBACK_MAX_ATTEMPTS, CALLBACK_TIMEOUT);

    private CallKeys() {
    }
}
