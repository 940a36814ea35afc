package io.bulwark.providers;

import io.bulwark.core.http.LazyHttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@link ProviderTransport} over {@link HttpClient}. Forwards the caller's headers except the
 * hop-by-hop ones and those the JDK client sets itself; an interrupt of the calling thread
 * cancels the exchange (JDK 16+), which is what lets the timeout policy stop a call.
 */
public final class HttpProviderTransport implements ProviderTransport {

    /** Headers never forwarded: hop-by-hop (RFC 9110 §7.6.1) and those HttpClient owns. */
    static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "http2-settings");

    private final HttpClient client;

    public HttpProviderTransport(HttpClient client) {
        this.client = client;
    }

    /** A transport on a new HTTP/1.1 client that connects within {@code connectTimeout}. */
    public static HttpProviderTransport create(Duration connectTimeout) {
        return new HttpProviderTransport(LazyHttpClient.of(() -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout).build()));
    }

    @Override
    public ProviderResponse send(URI target, ProviderRequest request, Map<String, String> headers, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(timeout)
                .method(request.method(), request.body().length == 0
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !headers.containsKey(name)) {
                values.forEach(v -> b.header(name, v));
            }
        });
        headers.forEach(b::header);
        HttpResponse<java.io.InputStream> response = client.send(b.build(), OrderedBody.handler());
        java.io.InputStream body = response.body();
        if (request.streaming() && response.statusCode() >= 200 && response.statusCode() < 300
                && streams(response.headers().firstValue("Content-Type").orElse(""))) {
            return new ProviderResponse(response.statusCode(), response.headers().map(), new byte[0], "",
                    ProviderResponse.Source.PRIMARY, "", false, body);
        }
        try (body) {
            return new ProviderResponse(response.statusCode(), response.headers().map(), body.readAllBytes(), "",
                    ProviderResponse.Source.PRIMARY, "", false);
        }
    }

    /** True for the types whose answers come a piece at a time: server-sent events and JSON lines. */
    static boolean streams(String contentType) {
        String t = contentType.toLowerCase(Locale.ROOT);
        return t.startsWith("text/event-stream") || t.startsWith("application/x-ndjson")
                || t.startsWith("application/jsonl");
    }
}
