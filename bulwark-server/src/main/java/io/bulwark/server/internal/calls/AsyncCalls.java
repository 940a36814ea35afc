package io.bulwark.server.internal.calls;

import io.bulwark.core.http.LazyHttpClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.Secret;
import io.bulwark.core.http.RetryAfter;
import io.bulwark.core.json.Json;
import io.bulwark.jobs.Handlers;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobClient;
import io.bulwark.jobs.JobContext;
import io.bulwark.jobs.JobFailure;
import io.bulwark.jobs.JobRequest;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.QueueFullException;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.providers.ProviderGroup;
import io.bulwark.providers.ProviderGroupException;
import io.bulwark.providers.ProviderRequest;
import io.bulwark.providers.ProviderResponse;
import io.bulwark.providers.queue.Admission;
import io.bulwark.providers.queue.QueueRefusedException;
import io.bulwark.server.CallKeys;
import io.bulwark.server.StartupException;
import io.bulwark.server.http.ApiException;
import io.bulwark.server.http.FieldError;
import io.bulwark.server.internal.http.Signatures;
import io.bulwark.server.internal.resilience.AsyncGateway;
import io.bulwark.server.internal.resilience.GatewayRoute;
import io.bulwark.server.internal.resilience.ResilienceRuntime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Async gateway calls: a call made with {@code Prefer: respond-async} becomes a job of type
 * {@value #CALL_TYPE} on {@code gateway.async.queue}, so it survives restarts and runs on
 * whichever node claims it. Each attempt goes through the group as a call made now would (its
 * queue by the call's priority, policies, failover, degradation); the answer (status, the headers
 * the gateway passes back, body) is the job's result, kept as long as finished jobs are
 * ({@code jobs.retention}). When no provider could answer, the job is tried again with its
 * backoff, up to {@code gateway.async.maxAttempts}.
 *
 * <p>A call that names {@code X-Bulwark-Callback} gets its outcome POSTed there once it is final,
 * as a job of type {@value #CALLBACK_TYPE} of its own (so a receiver that is down is retried with
 * backoff without calling the provider again), signed with {@code X-Bulwark-Signature}.
 */
public final class AsyncCalls implements AsyncGateway {

    /** The job type of an async call. */
    public static final String CALL_TYPE = "gateway.call";
    /** The job type of a callback. */
    public static final String CALLBACK_TYPE = "gateway.callback";
    /** The request header naming the callback URL. */
    public static final String CALLBACK_HEADER = "X-Bulwark-Callback";
    /** The tag of a callback job: this prefix and the id of the call it reports. */
    static final String CALL_TAG = "gateway-call:";
    /** The header of a callback naming its call. */
    public static final String CALL_ID_HEADER = "X-Bulwark-Call-Id";

    /**
     * A call as kept in its job.
     *
     * @param body the request body (base64 in the job's JSON)
     * @param maxAttempts the caller's limit on attempts per provider, or null
     * @param caller the API key id that made it, for the group queue's fair share
     * @param callback the URL the outcome is sent to, or null
     */
    public record Call(String group, String method, String path, Map<String, List<String>> headers, byte[] body,
                       String cacheKey, long cost, Integer maxAttempts, int priority, String caller, String callback) {
    }

    /** A callback as kept in its job: the call it reports, where to, and the exact body to sign and send. */
    public record Callback(String call, String url, String body) {
    }

    /**
     * Between tries of a call no provider could answer, and of a callback its receiver did not take:
     * 1 s doubling to at most a minute, so a caller waiting on an answer is not left an hour behind
     * the providers' recovery (the job default's cap).
     */
    static final io.bulwark.resilience.retry.Backoff BACKOFF = io.bulwark.resilience.retry.Backoff.of(
            Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1));

    private final ResilienceRuntime providers;
    private final JobClient jobs;
    private final JobStore store;
    private final String queue;
    private final int maxAttempts;
    private final Optional<Secret> secret;
    private final int callbackAttempts;
    private final Duration callbackTimeout;
    private final CallbackUrls urls;
    private final long bodyLimit;
    private final MeterRegistry meters;
    private final InstantSource clock;
    private final HttpClient http;

    AsyncCalls(ResilienceRuntime providers, JobClient jobs, JobStore store, BulwarkConfig config, long bodyLimit,
               MeterRegistry meters, InstantSource clock, CallbackUrls urls) {
        this.providers = providers;
        this.jobs = jobs;
        this.store = store;
        this.queue = config.get(CallKeys.QUEUE);
        if (!JobRequest.NAME.matcher(queue).matches()) {
            throw new StartupException("gateway.async.queue must be a queue name (1 to 64 letters, digits, '.', '_' or "
                    + "'-') but was '" + queue + "'");
        }
        this.maxAttempts = config.get(CallKeys.MAX_ATTEMPTS);
        this.secret = config.find(CallKeys.CALLBACK_SECRET);
        this.callbackAttempts = config.get(CallKeys.CALLBACK_MAX_ATTEMPTS);
        this.callbackTimeout = config.get(CallKeys.CALLBACK_TIMEOUT);
        this.urls = urls;
        this.bodyLimit = bodyLimit;
        this.meters = meters;
        this.clock = clock;
        this.http = LazyHttpClient.of(() -> HttpClient.newBuilder().connectTimeout(callbackTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build());
    }

    /** Registers the two job types. */
    void register(Handlers handlers) {
        handlers.register(CALL_TYPE, Call.class, this::run);
        handlers.register(CALLBACK_TYPE, Callback.class, this::deliver);
    }

    /** The queue async calls run on. */
    String queue() {
        return queue;
    }

    @Override
    public Map<String, Object> submit(ProviderGroup group, ProviderRequest request, int priority, String caller,
                                      String callback) {
        String url = null;
        if (callback != null) {
            if (secret.isEmpty()) {
                throw field(CALLBACK_HEADER, "asks for a callback, but this server has no gateway.callbacks.secret to "
                        + "sign it with; set it, or collect the answer from GET /api/v1/calls/{id}");
            }
            try {
                url = urls.check(callback).toString();
            } catch (IllegalArgumentException e) {
                throw field(CALLBACK_HEADER, e.getMessage() + " (was '" + callback + "')");
            }
        }
        Call call = new Call(group.name(), request.method(), request.path(), request.headers(), request.body(),
                request.cacheKey().orElse(null), request.cost(),
                request.maxAttempts().isPresent() ? request.maxAttempts().getAsInt() : null, priority, caller, url);
        Job job;
        try {
            job = jobs.enqueue(JobRequest.builder(queue, CALL_TYPE).payload(json(call)).priority(priority)
                    .maxAttempts(maxAttempts).backoff(BACKOFF).build()).job();
        } catch (QueueFullException e) {
            throw ApiException.tooManyRequests(e.getMessage(), e.retryAfter());
        }
        count("bulwark.gateway.async.calls", group.name(), "submitted");
        return view(job, call);
    }

    /** One attempt of an async call. */
    private Map<String, Object> run(JobContext<Call> ctx) throws Exception {
        Call call = ctx.payload();
        Optional<ProviderGroup> group = providers.providers().group(call.group());
        if (group.isEmpty()) {
            throw fail(ctx, JobFailure.permanent("provider group '" + call.group() + "' no longer exists"));
        }
        ProviderRequest request;
        try {
            request = new ProviderRequest(call.method(), call.path(), call.headers(), call.body(),
                    Optional.ofNullable(call.cacheKey()), call.cost(),
                    call.maxAttempts() == null ? OptionalInt.empty() : OptionalInt.of(call.maxAttempts()));
        } catch (IllegalArgumentException e) {
            throw fail(ctx, JobFailure.permanent("the call is not valid: " + e.getMessage()));
        }
        ProviderResponse answer;
        try {
            answer = group.get().call(request, new Admission(call.priority(), call.caller() == null ? "anonymous"
                    : call.caller(), Optional.empty(), new CompletableFuture<>(), waited -> { }));
        } catch (QueueRefusedException e) {
            throw fail(ctx, JobFailure.retryAfter(e.retryAfter(), e.getMessage()));
        } catch (ProviderGroupException e) {
            throw e.retryAfter().isPresent() ? fail(ctx, JobFailure.retryAfter(e.retryAfter().get(), e.getMessage()))
                    : fail(ctx, new IOException(e.getMessage(), e), true);
        }
        if (answer.body().length > bodyLimit) {
            throw fail(ctx, JobFailure.permanent("the provider's answer is " + answer.body().length + " bytes, more than "
                    + "the " + bodyLimit + " an async call keeps (server.maxBodySize)"));
        }
        Map<String, Object> result = response(answer);
        if (call.callback() != null) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("state", JobState.COMPLETED.id());
            report.put("response", result);
            result.put("callback", sendLater(ctx, report).toString());
        }
        count("bulwark.gateway.async.calls", call.group(), "completed");
        return result;
    }

    /**
     * {@code failure}, after sending the callback that says the call is dead when this attempt was
     * its last (out of attempts, or not retryable).
     */
    private JobFailure fail(JobContext<Call> ctx, JobFailure failure) {
        return fail(ctx, failure, failure.retryable());
    }

    /** {@code failure} (retried with the job's backoff when {@code retryable}), as above. */
    private <E extends Exception> E fail(JobContext<Call> ctx, E failure, boolean retryable) {
        boolean last = !retryable || ctx.attempt() >= ctx.job().maxAttempts();
        if (last) {
            count("bulwark.gateway.async.calls", ctx.payload().group(), "dead");
            if (ctx.payload().callback() != null) {
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("state", JobState.DEAD.id());
                report.put("error", failure.getMessage());
                sendLater(ctx, report);
            }
        }
        return failure;
    }

    /**
     * A call taken back from an attempt whose node died or stalled ({@link io.bulwark.jobs.Worker#onRescued}):
     * when that attempt was its last, no handler ran to say so, so the callback that says the call
     * is dead is sent from here (once: a handler that did send one wins by the idempotency key).
     */
    void rescued(Job job) {
        if (!CALL_TYPE.equals(job.type()) || job.state() != JobState.DEAD || job.payload() == null) {
            return;
        }
        Call call = payload(job);
        count("bulwark.gateway.async.calls", call.group(), "dead");
        if (call.callback() != null) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("state", JobState.DEAD.id());
            report.put("error", "attempt " + job.attempt() + " of " + job.maxAttempts() + " was lost: its node died or "
                    + "stopped renewing its lease" + (job.lastError() == null ? "" : " (before it: " + job.lastError() + ")"));
            sendLater(job.id(), call, job.priority(), job.attempt(), report);
        }
    }

    /**
     * Enqueues the callback reporting {@code report} on the call; once per call (a second attempt
     * of the call after a crash finds the first callback and sends no other).
     */
    private UUID sendLater(JobContext<Call> ctx, Map<String, Object> report) {
        return sendLater(ctx.id(), ctx.payload(), ctx.job().priority(), ctx.attempt(), report);
    }

    private UUID sendLater(UUID id, Call call, int priority, int attempts, Map<String, Object> report) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id.toString());
        body.put("group", call.group());
        body.putAll(report);
        body.put("attempts", attempts);
        body.put("sentAt", clock.instant().toString());
        Callback callback = new Callback(id.toString(), call.callback(), json(body));
        return jobs.enqueue(JobRequest.builder(queue, CALLBACK_TYPE).payload(json(callback))
                .priority(priority).maxAttempts(callbackAttempts).backoff(BACKOFF).tag(CALL_TAG + id)
                .idempotencyKey("gateway.callback:" + id).build()).job().id();
    }

    /** The callback job of a dead call, found by its tag (a dead call keeps no result to name it). */
    private Optional<Job> deadCallback(UUID call) {
        return store.list(new JobQuery(queue, null, CALLBACK_TYPE, CALL_TAG + call, null, null, null, 1)).stream()
                .findFirst();
    }

    /** One attempt to send a callback. */
    private Map<String, Object> deliver(JobContext<Callback> ctx) throws Exception {
        Callback callback = ctx.payload();
        URI uri;
        try {
            uri = urls.check(callback.url());
        } catch (IllegalArgumentException e) {
            countCallback("refused");
            throw JobFailure.permanent("callback URL " + e.getMessage());
        }
        if (secret.isEmpty()) {
            countCallback("refused");
            throw JobFailure.permanent("gateway.callbacks.secret is no longer set, so the callback cannot be signed");
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(callbackTimeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "bulwark-gateway")
                .header(CALL_ID_HEADER, callback.call())
                .header(Signatures.HEADER, Signatures.sign(secret.get().reveal(), callback.body()))
                .POST(HttpRequest.BodyPublishers.ofString(callback.body(), StandardCharsets.UTF_8)).build();
        HttpResponse<Void> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            countCallback("retried");
            throw new IOException("callback to " + uri.getHost() + " failed: " + e, e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            countCallback("delivered");
            return Map.of("status", status);
        }
        if (status == 408 || status == 429 || status / 100 == 5) {
            countCallback(ctx.attempt() >= ctx.job().maxAttempts() ? "failed" : "retried");
            Optional<Duration> after = response.headers().firstValue("Retry-After")
                    .flatMap(v -> RetryAfter.parse(v, clock));
            String message = "callback to " + uri.getHost() + " answered " + status;
            throw after.isPresent() ? JobFailure.retryAfter(after.get(), message) : new IOException(message);
        }
        countCallback("failed");
        throw JobFailure.permanent("callback to " + uri.getHost() + " answered " + status
                + ", which sending it again cannot fix");
    }

    /** The call {@code id}, as {@code GET /api/v1/calls/{id}} shows it; empty when there is no such call. */
    Optional<Map<String, Object>> view(UUID id) {
        return call(id).map(job -> view(job, payload(job)));
    }

    /** The job of call {@code id}, or empty when {@code id} is not an async call. */
    Optional<Job> call(UUID id) {
        return jobs.get(id).filter(j -> j.type().equals(CALL_TYPE));
    }

    /** Cancels call {@code id} if it has not finished; empty when there is no such call. */
    Optional<Map<String, Object>> cancel(UUID id) {
        if (call(id).isEmpty()) {
            return Optional.empty();
        }
        return jobs.cancel(id).map(job -> view(job, payload(job)));
    }

    private Map<String, Object> view(Job job, Call call) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", job.id().toString());
        v.put("group", call.group());
        v.put("method", call.method());
        v.put("path", call.path());
        v.put("priority", call.priority());
        v.put("state", job.state().id());
        v.put("attempts", job.attempt());
        v.put("maxAttempts", job.maxAttempts());
        v.put("createdAt", job.createdAt());
        v.put("finishedAt", job.finishedAt());
        v.put("location", "/api/v1/calls/" + job.id());
        if (job.lastError() != null) {
            v.put("lastError", job.lastError());
        }
        JsonNode result = null;
        if (job.state() == JobState.COMPLETED && job.result() != null) {
            try {
                result = Json.mapper().readTree(job.result());
            } catch (IOException e) {
                throw new IllegalStateException("the stored answer of call " + job.id() + " is not JSON", e);
            }
            v.put("response", result);
        }
        if (call.callback() != null) {
            Map<String, Object> cb = new LinkedHashMap<>();
            cb.put("url", withoutQuery(call.callback()));
            Optional<Job> sent = result != null && result.hasNonNull("callback")
                    ? jobs.get(UUID.fromString(result.get("callback").asText()))
                    : job.state() == JobState.DEAD ? deadCallback(job.id()) : Optional.empty();
            if (sent.isPresent()) {
                cb.put("job", sent.get().id().toString());
                cb.put("state", sent.get().state().id());
            }
            v.put("callback", cb);
        }
        return v;
    }

    /** A URL without its query string, which may carry a token. */
    private static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }

    static Call payload(Job job) {
        try {
            return Json.mapper().readValue(job.payload(), Call.class);
        } catch (IOException e) {
            throw new IllegalStateException("the payload of call " + job.id() + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The answer as kept: status, the headers the gateway passes back, body (text or base64), provenance. */
    static Map<String, Object> response(ProviderResponse answer) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", answer.status());
        r.put("headers", GatewayRoute.passedBack(answer.headers()));
        String text = utf8(answer.body());
        if (text != null) {
            r.put("body", text);
            r.put("bodyEncoding", "utf-8");
        } else {
            r.put("body", Base64.getEncoder().encodeToString(answer.body()));
            r.put("bodyEncoding", "base64");
        }
        r.put("provider", answer.provider());
        r.put("source", answer.source().name().toLowerCase(java.util.Locale.ROOT));
        r.put("degraded", answer.degraded());
        if (answer.degraded()) {
            r.put("degradedReason", answer.degradedReason());
        }
        return r;
    }

    /** {@code body} as text when it is valid UTF-8, else null. */
    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static ApiException field(String field, String message) {
        return ApiException.validation("invalid provider call", List.of(new FieldError(field, message)));
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void count(String name, String group, String outcome) {
        Counter.builder(name).tag("group", group).tag("outcome", outcome)
                .description("Async gateway calls: submitted, then completed or dead").register(meters).increment();
    }

    private void countCallback(String outcome) {
        Counter.builder("bulwark.gateway.callbacks").tag("outcome", outcome)
                .description("Callback sends of async gateway calls: delivered, retried, failed, refused")
                .register(meters).increment();
    }
}
