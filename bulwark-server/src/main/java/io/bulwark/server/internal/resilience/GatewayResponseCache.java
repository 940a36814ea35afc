package io.bulwark.server.internal.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.cache.Cache;
import io.bulwark.providers.AnswerStore;
import io.bulwark.providers.ProviderRequest;
import io.bulwark.providers.ProviderResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The gateway's opt-in response cache for one provider group ({@code gateway.responseCache.<group>.*}):
 * answers to calls of the listed methods are kept in a declared cache, keyed by method, path,
 * the listed request headers and a hash of the body, and given to the same call again without
 * asking a provider. {@code Cache-Control} is honoured as a shared cache honours it (RFC 9111):
 * the provider's {@code no-store}, {@code no-cache} and {@code private} keep an answer out,
 * {@code s-maxage} / {@code max-age} set its life (else the group's {@code ttl}); the caller's
 * {@code no-store} and {@code no-cache} skip the cache, {@code max-age} refuses older answers and
 * {@code only-if-cached} never calls a provider. Reading or writing never fails a call: a cache
 * that cannot be read counts as a miss.
 */
final class GatewayResponseCache {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayResponseCache.class);
    /** Statuses a cache may keep without explicit freshness (RFC 9110 §15.1 "heuristically cacheable"), 206 aside. */
    private static final Set<Integer> CACHEABLE = Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);

    /**
     * One group's settings.
     *
     * @param methods the methods whose answers are kept (upper case)
     * @param headers the request headers that take part in the key, as configured
     * @param ttl     an answer's life when the provider names none
     */
    record Settings(String cache, Set<String> methods, List<String> headers, Duration ttl) {
    }

    /** What the gateway does with a call. */
    sealed interface Lookup {
    }

    /** Answer with {@code response}, kept {@code age} ago. */
    record Hit(ProviderResponse response, Duration age) implements Lookup {
    }

    /** Ask a provider, then offer its answer to {@link #store} under {@code key}. */
    record Miss(String key) implements Lookup {
    }

    /** Ask a provider and keep nothing: the method is not listed, or the caller said {@code no-store}. */
    record Bypass() implements Lookup {
    }

    /** The caller said {@code only-if-cached} and nothing fit: a 504, no provider is asked. */
    record NotCached() implements Lookup {
    }

    private final String group;
    private final Settings settings;
    private final Cache<String, JsonNode> cache;
    /** Reads through the degradation's answer format, which never throws (a cache that cannot be read is a miss). */
    private final CachedAnswers answers;
    private final InstantSource clock;
    private final MeterRegistry meters;

    GatewayResponseCache(String group, Settings settings, Cache<String, JsonNode> cache, InstantSource clock, MeterRegistry meters) {
        this.group = group;
        this.settings = settings;
        this.cache = cache;
        this.answers = new CachedAnswers(cache);
        this.clock = clock;
        this.meters = meters;
    }

    Settings settings() {
        return settings;
    }

    /** The tag every answer of the group carries, so {@code POST /api/v1/caches/{name}/invalidate} can drop them all. */
    String tag() {
        return "gateway:" + group;
    }

    /** What to do with {@code request}, whose caller sent {@code cacheControl}. */
    Lookup lookup(ProviderRequest request, List<String> cacheControl) {
        CacheControl cc = CacheControl.parse(cacheControl);
        if (!settings.methods().contains(request.method().toUpperCase(Locale.ROOT)) || cc.has("no-store")) {
            count("bypass");
            return new Bypass();
        }
        String key = key(request);
        if (!cc.has("no-cache")) {
            Optional<AnswerStore.Stored> kept = answers.get(key);
            if (kept.isPresent()) {
                Duration age = Duration.between(kept.get().storedAt(), clock.instant());
                OptionalLong maxAge = cc.seconds("max-age");
                if (maxAge.isEmpty() || age.getSeconds() <= maxAge.getAsLong()) {
                    count("hit");
                    return new Hit(kept.get().response(), age.isNegative() ? Duration.ZERO : age);
                }
            }
        }
        if (cc.has("only-if-cached")) {
            count("not-cached");
            return new NotCached();
        }
        count("miss");
        return new Miss(key);
    }

    /** Keeps {@code answer} under the miss's key when it may be kept; says whether it was. */
    boolean store(Miss miss, ProviderResponse answer) {
        Optional<Duration> life = life(answer);
        if (life.isEmpty()) {
            count("not-stored");
            return false;
        }
        try {
            cache.put(miss.key(), CachedAnswers.write(new AnswerStore.Stored(answer, clock.instant())), Set.of(tag()),
                    life.get());
            count("stored");
            return true;
        } catch (RuntimeException e) {
            LOG.debug("Writing the response cache of group {} failed: {}", group, e.toString());
            count("not-stored");
            return false;
        }
    }

    /** How long {@code answer} may be kept, or empty when it may not. */
    Optional<Duration> life(ProviderResponse answer) {
        if (answer.streamed() || answer.degraded() || !CACHEABLE.contains(answer.status())
                || answer.header("Set-Cookie") != null) {
            return Optional.empty();
        }
        String vary = answer.header("Vary");
        if (vary != null) {
            for (String v : vary.split(",")) {
                String name = v.strip();
                if (name.equals("*") || settings.headers().stream().noneMatch(h -> h.equalsIgnoreCase(name))) {
                    return Optional.empty(); // the answer depends on a header the key leaves out
                }
            }
        }
        CacheControl cc = CacheControl.parse(answer.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("Cache-Control")).flatMap(e -> e.getValue().stream()).toList());
        if (cc.has("no-store") || cc.has("no-cache") || cc.has("private")) {
            return Optional.empty();
        }
        OptionalLong seconds = cc.seconds("s-maxage").isPresent() ? cc.seconds("s-maxage") : cc.seconds("max-age");
        if (seconds.isPresent()) {
            long s = Math.min(seconds.getAsLong(), Duration.ofDays(365).getSeconds());
            return s <= 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(s));
        }
        return Optional.of(settings.ttl());
    }


    /** SHA-256 over the method, path, listed headers (in their configured order) and body. */
    String key(ProviderRequest request) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(request.method().toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(request.path().getBytes(StandardCharsets.UTF_8));
        for (String h : settings.headers()) {
            sha.update((byte) 0);
            sha.update(h.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) ':');
            for (Map.Entry<String, List<String>> e : request.headers().entrySet()) {
                if (e.getKey().equalsIgnoreCase(h)) {
                    sha.update(String.join(",", e.getValue()).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        sha.update((byte) 0);
        sha.update(request.body());
        return "gateway:" + group + ":" + HexFormat.of().formatHex(sha.digest());
    }

    private void count(String outcome) {
        Counter.builder("bulwark.gateway.response.cache").tag("group", group).tag("outcome", outcome)
                .description("Gateway response cache: hit, miss, bypass, not-cached (only-if-cached), then stored or "
                        + "not-stored").register(meters).increment();
    }
}
