package io.bulwark.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of a list, with the cursor for the next one ({@code null} on the last page).
 * Cursors are opaque to clients: base64url of the last item's sort key.
 *
 * @param items the items of this page
 * @param nextCursor pass as {@code cursor} to get the next page; null when there is none
 * @param <T> the item type
 */
public record Page<T>(List<T> items, String nextCursor) {

    /** The largest page a client may ask for. */
    public static final int MAX_LIMIT = 500;

    /**
     * Pages a list already sorted by {@code sortKey}, ascending.
     *
     * @param cursor the cursor from the previous page, or null for the first
     * @param limit how many items at most
     */
    public static <T> Page<T> of(List<T> sorted, Function<T, String> sortKey, String cursor, int limit) {
        Optional<String> after = decode(cursor);
        List<T> rest = after.map(a -> sorted.stream().filter(t -> sortKey.apply(t).compareTo(a) > 0).toList()).orElse(sorted);
        if (rest.size() <= limit) {
            return new Page<>(rest, null);
        }
        List<T> items = rest.subList(0, limit);
        return new Page<>(List.copyOf(items), encode(sortKey.apply(items.get(items.size() - 1))));
    }

    /**
     * Reads the {@code limit} query parameter.
     *
     * @throws ApiException 400 naming the field and the range when it is not 1..MAX_LIMIT
     */
    public static int limit(String text, int defaultLimit) {
        if (text == null || text.isBlank()) {
            return defaultLimit;
        }
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.validation("invalid query parameter",
                List.of(new FieldError("limit", "must be an integer from 1 to " + MAX_LIMIT + " but was '" + text + "'")));
    }

    private static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<String> decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("invalid query parameter",
                    List.of(new FieldError("cursor", "is not a cursor this server issued")));
        }
    }
}
