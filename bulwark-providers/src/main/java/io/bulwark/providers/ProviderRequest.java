package io.bulwark.providers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One call to a provider group: what is forwarded to the chosen provider.
 *
 * @param method the HTTP method (POST through the gateway)
 * @param path appended to the provider's base URL; empty for the base URL itself
 * @param headers headers to forward (hop-by-hop and Bulwark's own are dropped by the gateway)
 * @param body the body, forwarded as is
 * @param cacheKey the key under which a good answer is cached for degraded service; empty
 *                 derives one from method, path and body
 * @param cost what the call costs against providers' cost limits (e.g. tokens), at least 1
 * @param maxAttempts at most this many attempts per provider, at least 1; a provider whose retry
 *                    config allows fewer makes only those (the caller can lower retries, never
 *                    raise them). Empty: each provider's retry config decides
 * @param streaming true when the caller can take a streamed answer: a successful answer of type
 *                  {@code text/event-stream} or {@code application/x-ndjson} then comes back with
 *                  its body unread ({@link ProviderResponse#stream()}), for the caller to pass on as
 *                  it arrives
 */
public record ProviderRequest(String method, String path, Map<String, List<String>> headers, byte[] body,
                              Optional<String> cacheKey, long cost, OptionalInt maxAttempts, boolean streaming) {

    /** A request whose answers are read whole. */
    public ProviderRequest(String method, String path, Map<String, List<String>> headers, byte[] body,
                           Optional<String> cacheKey, long cost, OptionalInt maxAttempts) {
        this(method, path, headers, body, cacheKey, cost, maxAttempts, false);
    }

    /** A request whose attempts each provider's retry config decides. */
    public ProviderRequest(String method, String path, Map<String, List<String>> headers, byte[] body,
                           Optional<String> cacheKey, long cost) {
        this(method, path, headers, body, cacheKey, cost, OptionalInt.empty());
    }

    /** A request costing 1. */
    public ProviderRequest(String method, String path, Map<String, List<String>> headers, byte[] body,
                           Optional<String> cacheKey) {
        this(method, path, headers, body, cacheKey, 1);
    }

    public ProviderRequest {
        Objects.requireNonNull(method, "method");
        path = path == null ? "" : path;
        checkPath(path);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
        cacheKey = cacheKey == null ? Optional.empty() : cacheKey;
        if (cost < 1) {
            throw new IllegalArgumentException("cost must be >= 1 but was " + cost);
        }
        maxAttempts = maxAttempts == null ? OptionalInt.empty() : maxAttempts;
        if (maxAttempts.isPresent() && maxAttempts.getAsInt() < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + maxAttempts.getAsInt());
        }
    }

    /**
     * Refuses a path that could leave the provider's base URL. It must be empty or start with
     * {@code /} or {@code ?}; its path part is percent-decoded again and again until it no longer
     * changes (so {@code %252e} counts as {@code .}), and then may hold no dot segment
     * ({@code .} or {@code ..}, also as {@code ..;param}), no encoded {@code /} or {@code \},
     * no control character, fragment, whitespace or malformed escape. Checking the fully
     * decoded form is what keeps {@code /.%2e/admin}, {@code /%2e./admin} and
     * {@code /..%2fadmin} inside the base path of an upstream that decodes and normalises.
     */
    public static void checkPath(String path) {
        if (path.isEmpty()) {
            return;
        }
        if (!(path.startsWith("/") || path.startsWith("?"))) {
            throw new IllegalArgumentException("path must start with '/' or '?' but was '" + path + "'");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c == '#' || c == '\\' || c >= 0x7f) {
                throw new IllegalArgumentException("path must be URL-encoded, without spaces, '#' or '\\', but was '"
                        + path + "'");
            }
        }
        String plain = path.indexOf('?') < 0 ? path : path.substring(0, path.indexOf('?'));
        long slashes = plain.chars().filter(ch -> ch == '/').count();
        String decoded = plain;
        for (int round = 0; ; round++) {
            String next = decodeOnce(decoded, path);
            if (next.equals(decoded)) {
                break;
            }
            if (round == 5) {
                throw new IllegalArgumentException("path is percent-encoded too many times over: '" + path + "'");
            }
            decoded = next;
        }
        if (decoded.chars().filter(ch -> ch == '/').count() != slashes || decoded.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("path must not hold an encoded '/' or '\\' but was '" + path + "'");
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c < ' ' || c == 0x7f) {
                throw new IllegalArgumentException("path must not hold an encoded control character but was '" + path + "'");
            }
        }
        for (String segment : decoded.split("/", -1)) {
            int semi = segment.indexOf(';');
            String name = semi < 0 ? segment : segment.substring(0, semi);
            if (name.equals(".") || name.equals("..")) {
                throw new IllegalArgumentException("path must not hold a '.' or '..' segment, plain or percent-encoded, "
                        + "but was '" + path + "'");
            }
        }
    }

    /** One round of percent-decoding (bytes as UTF-8; '+' is left alone, as in a path). */
    private static String decodeOnce(String s, String original) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("path holds a malformed percent-escape: '" + original + "'");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** This request with at most {@code attempts} attempts per provider (see {@link #maxAttempts()}). */
    public ProviderRequest withMaxAttempts(int attempts) {
        return new ProviderRequest(method, path, headers, body, cacheKey, cost, OptionalInt.of(attempts), streaming);
    }

    /** This request, taking a streamed answer when the provider streams one (see {@link #streaming()}). */
    public ProviderRequest withStreaming() {
        return new ProviderRequest(method, path, headers, body, cacheKey, cost, maxAttempts, true);
    }

    /** A POST of {@code body} to the base URL. */
    public static ProviderRequest post(String body) {
        return new ProviderRequest("POST", "", Map.of(), body.getBytes(StandardCharsets.UTF_8), Optional.empty());
    }

    /** The cache key: the caller's, else a SHA-256 of method, path and body. */
    public String effectiveCacheKey() {
        if (cacheKey.isPresent()) {
            return cacheKey.get();
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(method.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(path.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(body);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
