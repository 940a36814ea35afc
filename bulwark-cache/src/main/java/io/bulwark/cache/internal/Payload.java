package io.bulwark.cache.internal;

import io.bulwark.cache.CacheCodec;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The text of an L2 entry: five header lines, then the value as the codec wrote it.
 *
 * <pre>
 * bwc1                 format marker
 * 1767225600000        written at (clock ms)
 * 1767226200000        expires at (clock ms)
 * 1250                 load time (µs)
 * catalog,shoes        tags
 * {"sku":"sku-42",...} the value
 * </pre>
 *
 * Anything else (another format, another program's key) fails to decode and is treated as a miss.
 */
final class Payload {

    private static final String MARKER = "bwc1";

    private Payload() {
    }

    static <V> String encode(Entry<V> e, CacheCodec<V> codec) {
        return MARKER + '\n' + e.writtenAtMillis() + '\n' + e.expiresAtMillis() + '\n' + e.loadNanos() / 1000 + '\n'
                + String.join(",", e.tags()) + '\n' + codec.encode(e.value());
    }

    /**
     * The entry of {@code text}, without a source.
     *
     * @throws IllegalArgumentException when the text is not a payload or the codec cannot read its value
     */
    static <V> Entry<V> decode(String text, CacheCodec<V> codec) {
        int[] at = new int[5];
        int from = 0;
        for (int i = 0; i < at.length; i++) {
            at[i] = text.indexOf('\n', from);
            if (at[i] < 0) {
                throw new IllegalArgumentException("not a cache entry: " + (i + 1) + " header lines of 5");
            }
            from = at[i] + 1;
        }
        if (!text.startsWith(MARKER + '\n')) {
            throw new IllegalArgumentException("not a cache entry of format " + MARKER);
        }
        try {
            long written = Long.parseLong(text, at[0] + 1, at[1], 10);
            long expires = Long.parseLong(text, at[1] + 1, at[2], 10);
            long loadMicros = Long.parseLong(text, at[2] + 1, at[3], 10);
            String tagText = text.substring(at[3] + 1, at[4]);
            Set<String> tags = tagText.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(tagText.split(",")));
            V value = codec.decode(text.substring(at[4] + 1));
            if (value == null) {
                throw new IllegalArgumentException("the codec read null");
            }
            return new Entry<>(value, tags, written, expires, loadMicros * 1000, null);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a cache entry: bad header number", e);
        }
    }
}
