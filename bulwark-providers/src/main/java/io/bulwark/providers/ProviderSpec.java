package io.bulwark.providers;

import io.bulwark.core.config.Secret;
import io.bulwark.core.config.SecretResolvers;
import io.bulwark.core.config.ValueType;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.core.validation.Problems;
import io.bulwark.ratelimit.ProviderLimit;
import io.bulwark.resilience.breaker.CircuitBreakerConfig;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One provider as written in config or sent over the API; null means the default.
 *
 * <pre>{@code
 * {"name": "openai", "baseUrl": "https://api.openai.com/v1/chat/completions",
 *  "authHeader": "Authorization", "authPrefix": "Bearer ", "authSecret": "env:OPENAI_API_KEY",
 *  "timeout": "30s", "weight": 3, "capacity": 20, "retry": "default",
 *  "breaker": {"failureRateThreshold": 50, "waitInOpen": "30s"}}
 * }</pre>
 *
 * @param name unique across all groups: it names the provider's breaker, retry budget and metrics
 * @param baseUrl an absolute http(s) URL; a call's path is appended to it
 * @param authHeader the header that carries the secret (default {@code Authorization})
 * @param authPrefix text before the secret in that header, e.g. {@code "Bearer "}
 * @param authSecret a reference to the secret, {@code env:NAME}, {@code file:/path} or a secret
 *                   store's ({@code vault:secret/llm#api_key}, {@code aws-sm:prod/llm#api_key}; see
 *                   {@link SecretResolvers}); never the secret itself, so that it is never stored or shown
 * @param timeout the longest one attempt may take (default 30s); it is interrupted after that
 * @param weight for the weighted strategy (1..1000, default 1)
 * @param capacity the most calls in flight to this provider at once (default 64)
 * @param maxWait how long a call waits for capacity before it is refused (default 0: at once)
 * @param retry the name of a retry config (default {@code default})
 * @param breaker the breaker's settings
 * @param limits request limits, e.g. {@code "500/1m,10000/1d"}; a call over them goes to the next provider
 * @param costLimits cost limits (e.g. tokens, from {@code X-Bulwark-Cost}), e.g. {@code "90000/1m"}
 */
public record ProviderSpec(String name, String baseUrl, String authHeader, String authPrefix, String authSecret,
                           String timeout, Integer weight, Integer capacity, String maxWait, String retry,
                           BreakerSpec breaker, String limits, String costLimits) {

    /** A provider without rate limits. */
    public ProviderSpec(String name, String baseUrl, String authHeader, String authPrefix, String authSecret,
                        String timeout, Integer weight, Integer capacity, String maxWait, String retry,
                        BreakerSpec breaker) {
        this(name, baseUrl, authHeader, authPrefix, authSecret, timeout, weight, capacity, maxWait, retry, breaker,
                null, null);
    }

    /** The references authSecret takes, for messages. */
    private static final String REFERENCES = "env:VARIABLE, file:/path, vault:mount/path#key or aws-sm:secret-id[#key]";

    /** Names of providers, groups and retry configs: letters, digits, '.', '_' and '-', up to 64. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * The settings, with every bad field recorded in {@code problems} under {@code path}; the
     * secret is resolved through {@code secrets} (see {@link ValueTypes#secret()}).
     */
    public ProviderSettings resolve(Problems problems, String path) {
        checkName(problems, path + ".name", name);
        URI uri = null;
        if (baseUrl == null || baseUrl.isBlank()) {
            problems.add(path + ".baseUrl", "baseUrl is required: an absolute http(s) URL");
        } else {
            uri = problems.attempt(path + ".baseUrl", () -> url(baseUrl), null);
        }
        Optional<ProviderSettings.Auth> auth = Optional.empty();
        if (authSecret != null) {
            if (!SecretResolvers.defaults().isReference(authSecret)) {
                problems.add(path + ".authSecret", "authSecret must be a reference, " + REFERENCES
                        + ", so that the secret itself is never stored or shown");
            } else {
                Secret secret = problems.attempt(path + ".authSecret", () -> ValueTypes.secret().convert(authSecret), null);
                if (secret != null) {
                    String header = authHeader == null ? "Authorization" : authHeader;
                    if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                        problems.add(path + ".authHeader", "authHeader must be an HTTP header name but was '" + header + "'");
                    }
                    auth = Optional.of(new ProviderSettings.Auth(header, authPrefix == null ? "" : authPrefix, secret));
                }
            }
        } else if (authHeader != null || authPrefix != null) {
            problems.add(path + ".authSecret", "authHeader and authPrefix need an authSecret (" + REFERENCES + ")");
        }
        Duration t = ranged(problems, path + ".timeout", SpecRanges.PROVIDER_TIMEOUT, timeout, Duration.ofSeconds(30));
        Duration w = ranged(problems, path + ".maxWait", SpecRanges.PROVIDER_MAX_WAIT, maxWait, Duration.ZERO);
        int wt = ranged(problems, path + ".weight", SpecRanges.PROVIDER_WEIGHT, weight, 1);
        int cap = ranged(problems, path + ".capacity", SpecRanges.PROVIDER_CAPACITY, capacity, 64);
        String retryName = retry == null ? "default" : retry;
        checkName(problems, path + ".retry", retryName);
        BreakerSpec b = breaker == null ? BreakerSpec.defaults() : breaker;
        CircuitBreakerConfig breakerConfig = b.toConfig(problems, path + ".breaker");
        Optional<ProviderLimit> limit = Optional.empty();
        if ((limits != null && !limits.isBlank()) || (costLimits != null && !costLimits.isBlank())) {
            String field = limits != null && !limits.isBlank() ? path + ".limits" : path + ".costLimits";
            limit = Optional.ofNullable(problems.attempt(field,
                    () -> ProviderLimit.parse(name == null || !NAME.matcher(name).matches() ? "invalid" : name,
                            limits, costLimits), null));
        }
        return new ProviderSettings(name, uri, auth, t, wt, cap, w, retryName, breakerConfig, b.isShared(), limit, this);
    }

    static void checkName(Problems problems, String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            problems.add(field, "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, "
                    + "but was " + (value == null ? "missing" : "'" + value + "'"));
        }
    }

    private static URI url(String text) {
        URI uri = URI.create(text);
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL but was '" + text + "'");
        }
        return uri;
    }

    /**
     * {@code value} checked by {@code type} (one of {@link SpecRanges}), {@code orElse} when it is
     * null, or {@code orElse} with a problem on {@code field} naming the allowed range.
     */
    static <T> T ranged(Problems problems, String field, ValueType<T> type, Object value, T orElse) {
        if (value == null) {
            return orElse;
        }
        return problems.attempt(field, () -> type.convert(value), orElse);
    }

}
