package io.bulwark.redis;

import io.lettuce.core.RedisURI;
import java.net.URI;
import java.util.Set;

/** Parses and masks Redis URIs: for {@link RedisConnections} and the other Redis modules. */
public final class RedisUris {

    private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-socket", "redis-sentinel");

    private RedisUris() {
    }

    public static RedisURI parse(String value, String display) {
        int colon = value.indexOf("://");
        String scheme = colon < 0 ? "" : value.substring(0, colon);
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("uri must start with redis://, rediss://, redis-socket:// or"
                    + " redis-sentinel:// (e.g. redis://127.0.0.1:6379) but was '" + display + "'");
        }
        try {
            if (scheme.equals("redis") || scheme.equals("rediss")) {
                String host = URI.create(value).getHost();
                if (host == null || host.isBlank()) {
                    throw new IllegalArgumentException("it names no host");
                }
            }
            return RedisURI.create(value);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("uri must look like redis://host:port[/database] but was '"
                    + display + "': " + String.valueOf(e.getMessage()).replace(value, display), e);
        }
    }

    /** {@code redis://:secret@host:6379} becomes {@code redis://***@host:6379}. */
    public static String withoutPassword(String value) {
        int scheme = value.indexOf("://");
        int at = value.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return value;
        }
        return value.substring(0, scheme + 3) + "***" + value.substring(at);
    }
}
