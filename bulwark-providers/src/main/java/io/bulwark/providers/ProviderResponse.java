package io.bulwark.providers;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A provider's answer, or the answer degradation gave in its place.
 *
 * @param status the HTTP status
 * @param headers the provider's response headers
 * @param body the body
 * @param provider the provider that answered; for a cached answer, the one that gave it first;
 *                 empty for a default answer
 * @param source where the answer came from
 * @param degradedReason why the answer is degraded; empty when it is not
 * @param reducedMode true when the group is degraded and its strategy lists reduced mode, so
 *                    callers should switch off optional features
 * @param stream the body still to be read, when the request took a streamed answer and the provider
 *               streams one ({@code body} is then empty); null otherwise. Whoever receives it must
 *               read it to the end or close it
 */
public record ProviderResponse(int status, Map<String, List<String>> headers, byte[] body, String provider,
                               Source source, String degradedReason, boolean reducedMode, java.io.InputStream stream) {

    /** An answer read whole. */
    public ProviderResponse(int status, Map<String, List<String>> headers, byte[] body, String provider,
                            Source source, String degradedReason, boolean reducedMode) {
        this(status, headers, body, provider, source, degradedReason, reducedMode, null);
    }

    /** Where an answer came from. */
    public enum Source {
        /** The provider the strategy chose first. */
        PRIMARY,
        /** Another provider of the fallback chain. */
        FALLBACK,
        /** The last good answer to the same request, within its staleness. */
        CACHE,
        /** The group's configured default. */
        DEFAULT
    }

    public ProviderResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
        provider = provider == null ? "" : provider;
        Objects.requireNonNull(source, "source");
        degradedReason = degradedReason == null ? "" : degradedReason;
    }

    /** True when the body comes as {@link #stream()}, not in {@link #body()}. */
    public boolean streamed() {
        return stream != null;
    }

    /** True when the answer is not the chosen provider's own fresh answer, or the group is degraded. */
    public boolean degraded() {
        return !degradedReason.isEmpty();
    }

    /** The first value of header {@code name}, matched without regard to case; null when absent. */
    public String header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The same answer with {@code body} as the stream still to be read. */
    public ProviderResponse withStream(java.io.InputStream body) {
        return new ProviderResponse(status, headers, this.body, provider, source, degradedReason, reducedMode, body);
    }

    /** The same answer, marked as coming from {@code source} for {@code reason}. */
    public ProviderResponse as(Source newSource, String reason, boolean reduced) {
        return new ProviderResponse(status, headers, body, provider, newSource, reason, reduced, stream);
    }
}
