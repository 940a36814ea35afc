package io.bulwark.providers;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Sends one request to one provider. The default, {@link HttpProviderTransport}, uses the JDK's
 * HTTP client; tests and in-process providers may supply their own.
 */
@FunctionalInterface
public interface ProviderTransport {

    /**
     * Sends {@code request} to {@code target} with the extra {@code headers} (the provider's auth
     * header), waiting at most {@code timeout}. Must answer an interrupt by giving up promptly
     * (throwing {@link InterruptedException} or an {@link IOException}).
     *
     * @return the answer, whatever its status; statuses are judged by the caller
     */
    ProviderResponse send(URI target, ProviderRequest request, Map<String, String> headers, Duration timeout)
            throws IOException, InterruptedException;
}
