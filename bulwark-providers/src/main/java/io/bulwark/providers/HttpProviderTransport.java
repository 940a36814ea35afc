package io.bulwark.providers;

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
        return new HttpProviderTransport(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout).build());
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
        HttpResponse<byte[]> response = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new ProviderResponse(response.statusCode(), response.headers().map(), response.body(), "",
                ProviderResponse.Source.PRIMARY, "", false);
    }
}
