package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.json.Json;
import io.bulwark.core.time.SettableClock;
import io.bulwark.core.tracing.Tracing;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobClient;
import io.bulwark.jobs.QueueRegistry;
import io.bulwark.jobs.QueueSettings;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.pipeline.store.InMemoryPipelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Pipelines over an in-memory job store and pipeline store with a settable clock; step jobs are
 * "run" by hand: claimed from the store and completed with what a function of their type and
 * payload says, so a test decides each step's outcome and drives the run step by step.
 */
final class PipelinesHarness {

    final SettableClock clock = SettableClock.at(Instant.parse("2026-12-01T00:00:00Z"));
    final InMemoryJobStore jobStore = new InMemoryJobStore(clock);
    final InMemoryPipelineStore store = new InMemoryPipelineStore(clock);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final JobClient jobs;
    final Pipelines pipelines;
    /** What each claimed job returns: a result's JSON text, or throws to fail the attempt. */
    Function<Job, String> behaviour = PipelinesHarness::standard;
    final List<Job> ran = new ArrayList<>();

    PipelinesHarness() {
        this(Tracing.noop());
    }

    /** With {@code tracing}: enqueues are spans, runs have spans of their own. */
    PipelinesHarness(Tracing tracing) {
        jobs = new JobClient(jobStore, new QueueRegistry(QueueSettings.DEFAULT), new Uuid7(clock, new SplittableRandom(3)),
                meters, q -> { }, tracing);
        pipelines = Pipelines.builder(store, jobs).clock(clock).meters(meters).tracing(tracing)
                .stepTypes(() -> Set.of("echo", "double", "fail", "sum")).build();
    }

    /** echo: its payload; double: payload.n * 2; sum: the sum of payload.values; fail: fails. */
    static String standard(Job job) {
        JsonNode p = PipelinesHarness.json(job.payload());
        return switch (job.type()) {
            case "echo", "builtin.echo" -> job.payload();
            case "double" -> Json.mapper().createObjectNode().put("n", p.path("n").asInt() * 2).toString();
            case "sum" -> {
                int sum = 0;
                for (JsonNode v : p.path("values")) {
                    sum += v.asInt();
                }
                yield Json.mapper().createObjectNode().put("sum", sum).toString();
            }
            default -> throw new IllegalStateException("fails on purpose");
        };
    }

    static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Runs every due step job once (claim, behave, record), then lets each run move on as the
     * worker's listener would; returns how many jobs ran. Failed attempts retry after their
     * backoff, so the clock moves an hour after each round to make retries due.
     */
    int runJobs() {
        List<Claim> claims = runJobsUnheard();
        claims.forEach(c -> pipelines.onRecorded(c.job()));
        clock.advance(Duration.ofHours(1));
        return claims.size();
    }

    /**
     * Runs every due step job once and records the outcomes, but tells no run: as when the node that
     * ran them died before its listener did, or ran them on another node. Only an advance (the
     * leader's sweep) moves the runs on.
     */
    List<Claim> runJobsUnheard() {
        List<Claim> claims = jobStore.claim("pipelines", "test-node", 1000, Duration.ofMinutes(5));
        List<Outcome> outcomes = new ArrayList<>();
        for (Claim c : claims) {
            ran.add(c.job());
            var lease = Outcome.lease(c.job().id(), c.token());
            try {
                outcomes.add(new Outcome.Succeeded(lease, behaviour.apply(c.job())));
            } catch (RuntimeException e) {
                outcomes.add(new Outcome.Failed(lease, "failed", e.getMessage(), true, Duration.ZERO));
            }
        }
        jobStore.complete(outcomes);
        return claims;
    }

    /** Runs step jobs round after round until none is due. */
    void drain() {
        for (int i = 0; i < 100 && runJobs() > 0; i++) {
            // each round's listener calls moved the runs on
        }
    }
}
