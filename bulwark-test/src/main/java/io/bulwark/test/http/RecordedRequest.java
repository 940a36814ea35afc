package io.bulwark.test.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request as a {@link FlakyServer} received it.
 *
 * @param method  the HTTP method, e.g. {@code GET}
 * @param path    the request path without the query, e.g. {@code /health}
 * @param query   the raw query string, or {@code null} when there was none
 * @param headers the request headers; names are lower case
 * @param body    the request body bytes (empty when there was none)
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {

    /** Copies the collections so a record never changes after it was taken. */
    public RecordedRequest {
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    /** The first value of header {@code name} (case-insensitive), if it was sent. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** A defensive copy of the body bytes. */
    @Override
    public byte[] body() {
        return body.clone();
    }
}
