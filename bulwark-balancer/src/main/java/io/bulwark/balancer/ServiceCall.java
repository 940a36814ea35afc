package io.bulwark.balancer;

import java.io.IOException;
import java.net.http.HttpResponse;

/** One logical call of a {@link ServiceClient}, as a {@link CallPolicy} sees it. */
public interface ServiceCall {

    /** The service (balancer group) name. */
    String service();

    /** How many attempts were started so far. */
    int attempts();

    /**
     * Picks an endpoint, sends the request there and records the outcome with the balancer.
     *
     * @throws NoEndpointAvailableException when no endpoint can take it
     * @throws IOException                  when the request failed without a response (counted as a gateway error)
     */
    HttpResponse<?> attempt() throws IOException, InterruptedException;
}
