package io.bulwark.server.internal.resilience;

import io.bulwark.providers.ProviderGroup;
import io.bulwark.providers.ProviderRequest;

import java.util.Map;

/**
 * Where the gateway hands a call that asked {@code Prefer: respond-async}: it is made durable (a
 * job) and answered later. Supplied by the capability that owns async calls, which needs the job
 * engine; without it such calls are refused.
 */
public interface AsyncGateway {

    /**
     * Makes {@code request} to {@code group} an async call.
     *
     * @param priority the call's priority in the group's queue, 0 (highest) to 9
     * @param caller   who made it (the API key id, or {@code anonymous}), for the queue's fair share
     * @param callback the URL its result is sent to, or null
     * @return the new call, as {@code GET /api/v1/calls/{id}} shows it
     * @throws io.bulwark.server.http.ApiException 400 naming the header when the callback is refused
     */
    Map<String, Object> submit(ProviderGroup group, ProviderRequest request, int priority, String caller, String callback);
}
