package io.bulwark.server.internal.resilience;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The directives of {@code Cache-Control} header values (RFC 9111 §5.2): names lower-cased,
 * arguments unquoted. Lenient as caches must be: an unknown directive is kept and ignored by the
 * caller, a malformed number reads as absent.
 */
record CacheControl(Map<String, String> directives) {

    static final CacheControl NONE = new CacheControl(Map.of());

    /** Every directive of {@code values} (each may list several, comma-separated). */
    static CacheControl parse(List<String> values) {
        if (values == null || values.isEmpty()) {
            return NONE;
        }
        Map<String, String> d = new LinkedHashMap<>();
        for (String value : values) {
            if (value == null) {
                continue;
            }
            int i = 0;
            int n = value.length();
            while (i < n) {
                int start = i;
                while (i < n && value.charAt(i) != ',' && value.charAt(i) != '=') {
                    i++;
                }
                String name = value.substring(start, i).strip().toLowerCase(Locale.ROOT);
                String arg = "";
                if (i < n && value.charAt(i) == '=') {
                    i++;
                    while (i < n && value.charAt(i) == ' ') {
                        i++;
                    }
                    if (i < n && value.charAt(i) == '"') {
                        StringBuilder sb = new StringBuilder();
                        i++;
                        while (i < n && value.charAt(i) != '"') {
                            if (value.charAt(i) == '\\' && i + 1 < n) {
                                i++;
                            }
                            sb.append(value.charAt(i++));
                        }
                        i++; // the closing quote
                        arg = sb.toString();
                        while (i < n && value.charAt(i) != ',') {
                            i++;
                        }
                    } else {
                        int argStart = i;
                        while (i < n && value.charAt(i) != ',') {
                            i++;
                        }
                        arg = value.substring(argStart, i).strip();
                    }
                }
                i++; // the comma
                if (!name.isEmpty()) {
                    d.putIfAbsent(name, arg);
                }
            }
        }
        return new CacheControl(Map.copyOf(d));
    }

    boolean has(String directive) {
        return directives.containsKey(directive);
    }

    /** A delta-seconds argument ({@code max-age=60}); empty when absent or not a number. */
    OptionalLong seconds(String directive) {
        String arg = directives.get(directive);
        if (arg == null || arg.isEmpty() || !arg.chars().allMatch(Character::isDigit)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(arg));
        } catch (NumberFormatException e) {
            return OptionalLong.of(Long.MAX_VALUE); // more digits than a long: "very long", as the RFC says
        }
    }
}
