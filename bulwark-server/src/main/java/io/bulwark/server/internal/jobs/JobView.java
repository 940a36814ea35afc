package io.bulwark.server.internal.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.core.units.Durations;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.Transition;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** A job as the API shows it: payload and result as JSON, durations as text, states lower-case. */
public record JobView(UUID id, String queue, String type, JsonNode payload, int priority, String state, Instant runAt,
                      int attempt, int maxAttempts, BackoffView backoff, String timeout, String idempotencyKey,
                      Set<String> tags, JsonNode result, String lastError, List<TransitionView> history,
                      Instant createdAt, Instant startedAt, Instant finishedAt, Instant expiresAt) {

    /** Backoff as the API spells it. */
    public record BackoffView(String base, double factor, String cap) {
    }

    /** One history entry. */
    public record TransitionView(Instant at, String from, String to, String reason, String node, int attempt) {
        static TransitionView of(Transition t) {
            return new TransitionView(t.at(), t.from() == null ? null : t.from().id(), t.to().id(), t.reason(), t.node(),
                    t.attempt());
        }
    }

    /** The view of {@code job}; history only when {@code withHistory}. */
    public static JobView of(Job job, boolean withHistory) {
        return new JobView(job.id(), job.queue(), job.type(), tree(job.payload()), job.priority(), job.state().id(),
                job.runAt(), job.attempt(), job.maxAttempts(),
                new BackoffView(Durations.format(job.backoff().base()), job.backoff().factor(), Durations.format(job.backoff().cap())),
                Durations.format(job.timeout()), job.idempotencyKey(), job.tags(), tree(job.result()), job.lastError(),
                withHistory ? job.history().stream().map(TransitionView::of).toList() : null,
                job.createdAt(), job.startedAt(), job.finishedAt(), job.expiresAt());
    }

    private static JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            return Json.mapper().getNodeFactory().textNode(json);
        }
    }
}
