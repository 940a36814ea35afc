package io.bulwark.server.internal.ratelimit;

import java.util.regex.Pattern;

/**
 * What an endpoint limit counts per: the caller's API key id, the client IP, or a named
 * request header. Parsed from {@code apiKey}, {@code ip}, {@code header:X-Tenant}.
 */
public sealed interface KeySource {

    /** The config form. */
    String spec();

    /** Per API key id; a request without a verified key is counted per client IP. */
    record ApiKey() implements KeySource {
        @Override
        public String spec() {
            return "apiKey";
        }
    }

    /** Per client IP (X-Forwarded-For believed from trusted proxies only). */
    record Ip() implements KeySource {
        @Override
        public String spec() {
            return "ip";
        }
    }

    /** Per value of a header; a request without it is counted per client IP. */
    record Header(String name) implements KeySource {
        @Override
        public String spec() {
            return "header:" + name;
        }
    }

    /** The header-name characters RFC 9110 allows. */
    Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /**
     * Parses {@code apiKey}, {@code ip} or {@code header:<Name>}.
     *
     * @throws IllegalArgumentException saying what is allowed
     */
    static KeySource parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equalsIgnoreCase("apiKey")) {
            return new ApiKey();
        }
        if (t.equalsIgnoreCase("ip")) {
            return new Ip();
        }
        if (t.regionMatches(true, 0, "header:", 0, 7)) {
            String name = t.substring(7).trim();
            if (TOKEN.matcher(name).matches()) {
                return new Header(name);
            }
            throw new IllegalArgumentException("'" + name + "' is not a header name (key '" + text + "')");
        }
        throw new IllegalArgumentException("expected apiKey, ip or header:<Name> but was '" + text + "'");
    }
}
