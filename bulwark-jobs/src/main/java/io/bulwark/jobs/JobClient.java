package io.bulwark.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.json.Json;
import io.bulwark.core.tracing.Tracing;
import io.bulwark.jobs.store.Enqueued;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.jobs.store.QueueCounts;
import io.bulwark.jobs.internal.JobMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Enqueues and manages jobs: applies queue defaults, enforces queue size limits, and tells
 * local workers that work arrived.
 *
 * <pre>{@code
 * JobClient jobs = new JobClient(store, queues, ids, meters, loop::wakeQueue);
 * Enqueued e = jobs.enqueue(JobRequest.builder("emails", "send-welcome").payload("{\"userId\":42}").build());
 * }</pre>
 */
public final class JobClient {

    private final JobStore store;
    private final QueueRegistry queues;
    private final Uuid7 ids;
    private final JobMetrics metrics;
    private final Consumer<String> onEnqueued;
    private final Tracing tracing;

    /**
     * @param onEnqueued told the queue of each enqueue, so an in-process worker can poll at once
     */
    public JobClient(JobStore store, QueueRegistry queues, Uuid7 ids, MeterRegistry meters, Consumer<String> onEnqueued) {
        this(store, queues, ids, meters, onEnqueued, Tracing.noop());
    }

    /**
     * As {@link #JobClient(JobStore, QueueRegistry, Uuid7, MeterRegistry, Consumer)}, with traces: each
     * enqueue is a span (child of the current one), and each job carries that span's context in a
     * {@link Job#TRACE_TAG} tag, so its attempts join the trace.
     */
    public JobClient(JobStore store, QueueRegistry queues, Uuid7 ids, MeterRegistry meters, Consumer<String> onEnqueued,
                     Tracing tracing) {
        this.store = store;
        this.queues = queues;
        this.ids = ids;
        this.metrics = new JobMetrics(meters);
        this.onEnqueued = onEnqueued;
        this.tracing = java.util.Objects.requireNonNull(tracing, "tracing");
    }

    /**
     * Enqueues one job.
     *
     * @throws IllegalArgumentException when the payload is not JSON
     * @throws QueueFullException when the queue is at its maxSize
     */
    public Enqueued enqueue(JobRequest request) {
        return enqueueAll(List.of(request)).get(0);
    }

    /** Enqueues a batch, all or nothing; results in the same order. */
    public List<Enqueued> enqueueAll(List<JobRequest> requests) {
        return enqueueAll(requests, null);
    }

    /**
     * As {@link #enqueueAll(List)}, each job continuing the trace of its own caller: {@code parents}
     * holds a context per request (null for "the batch's"). For a group commit, where one thread
     * enqueues what many callers asked for.
     */
    public List<Enqueued> enqueueAll(List<JobRequest> requests, List<Context> parents) {
        if (requests.isEmpty()) {
            return List.of();
        }
        if (parents != null && parents.size() != requests.size()) {
            throw new IllegalArgumentException("parents must hold one context per request: " + parents.size()
                    + " for " + requests.size() + " requests");
        }
        if (!tracing.enabled()) {
            return enqueueTraced(requests, null, null);
        }
        String queue = requests.stream().map(JobRequest::queue).distinct().count() == 1 ? requests.getFirst().queue() : null;
        Span span = tracing.span(queue == null ? "enqueue" : "enqueue " + queue, SpanKind.PRODUCER, Context.current())
                .setAttribute("bulwark.job.count", requests.size()).startSpan();
        if (queue != null) {
            span.setAttribute("bulwark.job.queue", queue);
        }
        if (requests.size() == 1) {
            span.setAttribute("bulwark.job.type", requests.getFirst().type());
        }
        try (Tracing.Scope ignored = tracing.activate(span)) {
            List<Enqueued> out = enqueueTraced(requests, tracing.traceparent(Context.current()), parents);
            if (out.size() == 1) {
                span.setAttribute("bulwark.job.id", out.getFirst().job().id().toString());
                span.setAttribute("bulwark.job.replayed", out.getFirst().replayed());
            }
            return out;
        } catch (RuntimeException e) {
            Tracing.fail(span, e.getMessage());
            span.recordException(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private List<Enqueued> enqueueTraced(List<JobRequest> requests, String traceparent, List<Context> parents) {
        checkSizes(requests);
        // The store's time is needed only to turn a delay into a run time, or a discardAfter counted
        // from now into an expiry; on a database store reading it is a round trip of its own, so
        // enqueues without either skip it.
        Instant now = requests.stream().anyMatch(this::needsNow) ? store.now() : null;
        List<NewJob> jobs = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            String own = parents == null || parents.get(i) == null ? null : tracing.traceparent(parents.get(i));
            jobs.add(resolve(requests.get(i), now, i, requests.size(), own != null ? own : traceparent));
        }
        List<Enqueued> out = store.enqueue(jobs);
        for (Enqueued e : out) {
            if (!e.replayed()) {
                metrics.count("enqueued", e.job().queue(), e.job().type());
            }
        }
        out.stream().map(e -> e.job().queue()).distinct().forEach(onEnqueued);
        return out;
    }

    private NewJob resolve(JobRequest r, Instant now, int index, int total, String traceparent) {
        QueueSettings s = queues.get(r.queue());
        String where = total > 1 ? "jobs[" + index + "]." : "";
        String payload = r.payload() == null ? "{}" : r.payload();
        try {
            if (Json.mapper().readTree(payload).isMissingNode()) {
                throw new IllegalArgumentException(where + "payload is empty; it must be one JSON value, e.g. {}");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + "payload is not valid JSON: " + e.getOriginalMessage());
        }
        Instant runAt = r.runAt() != null ? r.runAt() : r.delay() != null ? now.plus(r.delay()) : null;
        return new NewJob(ids.next(), r.queue(), r.type(), payload,
                r.priority() != null ? r.priority() : s.priority(), runAt,
                r.maxAttempts() != null ? r.maxAttempts() : s.maxAttempts(),
                r.backoff() != null ? r.backoff() : s.backoff(),
                r.timeout() != null ? r.timeout() : s.timeout(),
                r.idempotencyKey(), withTrace(r.tags(), traceparent), expiresAt(r, s, runAt, now, where));
    }

    /** The tags with the trace tag in place of any the caller gave (a stale context must not win). */
    private static java.util.Set<String> withTrace(java.util.Set<String> tags, String traceparent) {
        if (traceparent == null) {
            return tags;
        }
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        tags.stream().filter(t -> !t.startsWith(Job.TRACE_TAG)).forEach(out::add);
        out.add(Job.TRACE_TAG + traceparent);
        return out;
    }

    /** A discardAfter counts from when the job comes due: its run time, or now when it runs at once. */
    private boolean needsNow(JobRequest r) {
        return r.delay() != null || r.expiresAt() == null && r.runAt() == null
                && (r.discardAfter() != null || queues.get(r.queue()).discardAfter() != null);
    }

    private static Instant expiresAt(JobRequest r, QueueSettings s, Instant runAt, Instant now, String where) {
        if (r.expiresAt() != null) {
            return r.expiresAt();
        }
        Duration wait = r.discardAfter() != null ? r.discardAfter() : s.discardAfter();
        if (wait == null) {
            return null;
        }
        Instant at = (runAt != null ? runAt : now).plus(wait);
        if (at.isAfter(JobLimits.MAX_RUN_AT)) {
            throw new IllegalArgumentException(where + "discardAfter puts expiresAt past " + JobLimits.MAX_RUN_AT);
        }
        return at;
    }

    private void checkSizes(List<JobRequest> requests) {
        Map<String, Integer> adding = new HashMap<>();
        for (JobRequest r : requests) {
            if (queues.get(r.queue()).maxSize() > 0) {
                adding.merge(r.queue(), 1, Integer::sum);
            }
        }
        if (adding.isEmpty()) {
            return;
        }
        Map<String, Long> waiting = new HashMap<>();
        for (QueueCounts c : store.counts()) {
            waiting.put(c.queue(), c.byState().entrySet().stream().filter(e -> !e.getKey().isFinal())
                    .mapToLong(Map.Entry::getValue).sum());
        }
        adding.forEach((queue, n) -> {
            long size = waiting.getOrDefault(queue, 0L);
            long max = queues.get(queue).maxSize();
            if (size + n > max) {
                throw new QueueFullException(queue, size, max, Duration.ofSeconds(1));
            }
        });
    }

    public Optional<Job> get(UUID id) {
        return store.get(id);
    }

    /** Cancels a job; a running one is stopped by its worker at its next lease renewal. */
    public Optional<Job> cancel(UUID id) {
        return store.cancel(id, "cancelled by request");
    }

    /** Runs a dead, cancelled, expired or completed job again, same id; it no longer expires. */
    public Optional<Job> retry(UUID id) {
        Optional<Job> job = store.retry(id, "retried by request");
        job.ifPresent(j -> onEnqueued.accept(j.queue()));
        return job;
    }
}
