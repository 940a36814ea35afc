package io.bulwark.jobs.builtin;

import io.bulwark.core.http.RetryAfter;
import io.bulwark.jobs.JobContext;
import io.bulwark.jobs.JobFailure;
import io.bulwark.jobs.JobHandler;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code http} job type: one HTTP call per attempt. 2xx (or a listed expected status) is
 * success; 5xx and timeouts are retried with the job's backoff; 429 and 503 are retried after
 * their {@code Retry-After} (capped); any other 4xx fails for good, since repeating the same
 * request cannot fix it.
 */
public final class HttpJobHandler implements JobHandler<HttpJobHandler.Request, Map<String, Object>> {

    /** The job type name. */
    public static final String TYPE = "http";
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");
    private static final int MAX_BODY_KEPT = 64 * 1024;

    /**
     * The payload of an {@code http} job.
     *
     * @param method GET, POST, PUT, PATCH, DELETE or HEAD (default GET; POST when a body is given)
     * @param url an absolute http(s) URL
     * @param headers request headers
     * @param body the request body, sent as is
     * @param expectedStatuses statuses that count as success besides 2xx
     * @param timeoutMs the request timeout (default: the job's timeout)
     */
    public record Request(String method, String url, Map<String, String> headers, String body,
                          List<Integer> expectedStatuses, Long timeoutMs) {
    }

    private final HttpClient client;
    private final Duration maxRetryAfter;
    private final GroupCalls groups;

    public HttpJobHandler(HttpClient client, Duration maxRetryAfter) {
        this(client, maxRetryAfter, GroupCalls.none());
    }

    /** A handler that also calls provider groups for urls {@code group:NAME[/path]}. */
    public HttpJobHandler(HttpClient client, Duration maxRetryAfter, GroupCalls groups) {
        this.client = client;
        this.maxRetryAfter = maxRetryAfter;
        this.groups = groups;
    }

    /** What went wrong on the way to the server, in words that name the host: "unknown host x", "connect to x:443 refused". */
    static String cause(HttpRequest request, IOException e) {
        String host = request.uri().getHost();
        int port = request.uri().getPort() != -1 ? request.uri().getPort()
                : "https".equalsIgnoreCase(request.uri().getScheme()) ? 443 : 80;
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof java.nio.channels.UnresolvedAddressException || root instanceof java.net.UnknownHostException) {
            return "unknown host " + host;
        }
        if (root instanceof java.net.ConnectException || e instanceof java.net.ConnectException) {
            return "connect to " + host + ":" + port + " failed (" + (root.getMessage() == null
                    ? "connection refused" : root.getMessage()) + ")";
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    @Override
    public Map<String, Object> handle(JobContext<Request> ctx) throws Exception {
        Request r = ctx.payload();
        if (r.url() != null && r.url().startsWith(GROUP_PREFIX)) {
            return callGroup(r);
        }
        HttpRequest request = build(r, ctx.job().timeout());
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new IOException("HTTP " + request.method() + " " + request.uri() + " timed out", e);
        } catch (IOException e) {
            throw new IOException("HTTP " + request.method() + " " + request.uri() + " failed: " + cause(request, e), e);
        }
        int status = response.statusCode();
        Map<String, Object> result = result(r, status, response.body());
        if (result != null) {
            return result;
        }
        String what = "HTTP " + request.method() + " " + request.uri() + " answered " + status;
        if (status == 429 || status == 503) {
            Optional<Duration> after = retryAfter(response.headers().firstValue("Retry-After").orElse(null));
            if (after.isPresent()) {
                Duration capped = RetryAfter.capped(after.get(), maxRetryAfter);
                throw JobFailure.retryAfter(capped, what + "; retrying after " + capped.toSeconds() + "s (Retry-After)");
            }
            throw new IOException(what);
        }
        if (status >= 500) {
            throw new IOException(what);
        }
        throw JobFailure.permanent(what + "; a client error is not retried");
    }

    private static HttpRequest build(Request r, Duration jobTimeout) throws JobFailure {
        if (r.url() == null) {
            throw JobFailure.permanent("http job: url is required");
        }
        URI uri;
        try {
            uri = URI.create(r.url());
        } catch (IllegalArgumentException e) {
            throw JobFailure.permanent("http job: url is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw JobFailure.permanent("http job: url must be an absolute http(s) URL but was '" + r.url() + "'");
        }
        String method = r.method() == null ? (r.body() == null ? "GET" : "POST") : r.method().toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw JobFailure.permanent("http job: method must be one of GET, POST, PUT, PATCH, DELETE, HEAD but was '" + r.method() + "'");
        }
        Duration timeout = r.timeoutMs() != null ? Duration.ofMillis(r.timeoutMs()) : jobTimeout;
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, r.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(r.body()));
        if (r.headers() != null) {
            try {
                r.headers().forEach(b::header);
            } catch (IllegalArgumentException e) {
                throw JobFailure.permanent("http job: invalid header: " + e.getMessage());
            }
        }
        return b.build();
    }

    /** The job's result when {@code status} counts as success (2xx or expected), else null. */
    private static Map<String, Object> result(Request r, int status, String body) {
        boolean expected = r.expectedStatuses() != null && r.expectedStatuses().contains(status);
        if (!((status >= 200 && status < 300) || expected)) {
            return null;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", status);
        result.put("body", body != null && body.length() > MAX_BODY_KEPT ? body.substring(0, MAX_BODY_KEPT) : body);
        return result;
    }

    /** The url prefix that targets a provider group instead of a URL. */
    public static final String GROUP_PREFIX = "group:";

    /**
     * {@code group:NAME[/path]}: the group answers through its policies and degradation, so
     * retries within the call are the group's; a failed call (no provider could answer) is
     * retried with the job's backoff, a client error fails for good.
     */
    private Map<String, Object> callGroup(Request r) throws Exception {
        String target = r.url().substring(GROUP_PREFIX.length());
        int slash = target.indexOf('/');
        String group = slash < 0 ? target : target.substring(0, slash);
        String path = slash < 0 ? "" : target.substring(slash);
        String method = r.method() == null ? "POST" : r.method().toUpperCase(Locale.ROOT);
        GroupCalls.Answer answer;
        try {
            answer = groups.call(group, method, path, r.headers() == null ? Map.of() : r.headers(),
                    r.body() == null ? "" : r.body());
        } catch (IllegalArgumentException e) {
            throw JobFailure.permanent("http job: " + e.getMessage());
        }
        Map<String, Object> result = result(r, answer.status(), answer.body());
        if (result != null) {
            result.put("provider", answer.provider());
            result.put("degraded", answer.degraded());
            return result;
        }
        String what = "provider group " + group + " answered " + answer.status() + " (provider " + answer.provider() + ")";
        if (answer.status() >= 500 || answer.status() == 408 || answer.status() == 429) {
            throw new IOException(what);
        }
        throw JobFailure.permanent(what + "; a client error is not retried");
    }

    /** Retry-After as seconds or an HTTP date; empty when absent or unreadable. */
    static Optional<Duration> retryAfter(String header) {
        return RetryAfter.parse(header, InstantSource.system());
    }
}
