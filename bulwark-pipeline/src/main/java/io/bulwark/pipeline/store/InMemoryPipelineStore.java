package io.bulwark.pipeline.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.tracing.PlannedSpan;
import io.bulwark.pipeline.PipelineDefinition;
import io.bulwark.pipeline.PipelineDefinitions;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.StepStatus;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** A {@link PipelineStore} in memory, for tests and single-process use; the reference for the contract. */
public final class InMemoryPipelineStore implements PipelineStore {

    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, List<StoredPipeline>> pipelines = new TreeMap<>();
    private final Map<UUID, PipelineRun> runs = new LinkedHashMap<>();
    private final Map<String, UUID> keys = new HashMap<>();

    public InMemoryPipelineStore(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    /** The definition's content without its version, to tell a change from a re-registration. */
    public static JsonNode content(PipelineDefinition d) {
        return PipelineDefinitions.toTree(new PipelineDefinition(d.id(), 1, d.inputSchema(), d.steps()));
    }

    @Override
    public Registered register(PipelineDefinition definition) {
        Objects.requireNonNull(definition, "definition must be set");
        return locked(() -> {
            List<StoredPipeline> versions = pipelines.computeIfAbsent(definition.id(), k -> new ArrayList<>());
            if (!versions.isEmpty() && content(versions.getLast().definition()).equals(content(definition))) {
                return new Registered(versions.getLast(), false);
            }
            int next = versions.isEmpty() ? 1 : versions.getLast().version() + 1;
            StoredPipeline stored = new StoredPipeline(new PipelineDefinition(definition.id(), next,
                    definition.inputSchema(), definition.steps()), now());
            versions.add(stored);
            return new Registered(stored, true);
        });
    }

    @Override
    public Optional<StoredPipeline> pipeline(String id) {
        return locked(() -> Optional.ofNullable(pipelines.get(id)).filter(v -> !v.isEmpty()).map(List::getLast));
    }

    @Override
    public Optional<StoredPipeline> pipeline(String id, int version) {
        return locked(() -> pipelines.getOrDefault(id, List.of()).stream().filter(p -> p.version() == version).findFirst());
    }

    @Override
    public List<StoredPipeline> pipelines() {
        return locked(() -> pipelines.values().stream().filter(v -> !v.isEmpty()).map(List::getLast).toList());
    }

    @Override
    public List<StoredPipeline> versions(String id) {
        return locked(() -> List.copyOf(pipelines.getOrDefault(id, List.of())));
    }

    @Override
    public Started startRun(NewRun run) {
        Objects.requireNonNull(run, "run must be set");
        return locked(() -> {
            String key = run.idempotencyKey() == null ? null : run.pipeline() + '\n' + run.idempotencyKey();
            if (key != null && keys.containsKey(key)) {
                return new Started(runs.get(keys.get(key)), true);
            }
            if (runs.containsKey(run.id())) {
                throw new IllegalArgumentException("a run with id " + run.id() + " exists already");
            }
            PipelineRun r = new PipelineRun(run.id(), run.pipeline(), run.version(), RunPhase.RUNNING, run.input(),
                    run.idempotencyKey(), 0, null, null, now(), null, run.trace(), List.of());
            runs.put(r.id(), r);
            if (key != null) {
                keys.put(key, r.id());
            }
            return new Started(r, false);
        });
    }

    @Override
    public Optional<PipelineRun> run(UUID id) {
        return locked(() -> Optional.ofNullable(runs.get(id)));
    }

    @Override
    public List<PipelineRun> runs(RunQuery q) {
        return locked(() -> runs.values().stream()
                .filter(r -> q.pipeline() == null || r.pipeline().equals(q.pipeline()))
                .filter(r -> q.phase() == null || r.phase() == q.phase())
                .filter(r -> q.before() == null || r.id().compareTo(q.before()) < 0)
                .sorted(Comparator.comparing(PipelineRun::id).reversed()).limit(q.limit())
                .map(r -> withSteps(r, List.of())).toList());
    }

    @Override
    public List<UUID> activeRuns(int max) {
        return locked(() -> runs.values().stream().filter(r -> r.phase() == RunPhase.RUNNING)
                .sorted(Comparator.comparing(PipelineRun::id)).limit(max).map(PipelineRun::id).toList());
    }

    @Override
    public int recordSteps(UUID run, List<StepRecord> steps) {
        return locked(() -> {
            PipelineRun r = runs.get(run);
            if (r == null || r.phase() != RunPhase.RUNNING) {
                return 0;
            }
            TreeMap<StepInstance, StepRecord> all = byInstance(r);
            int inserted = 0;
            for (StepRecord s : steps) {
                if (s.status() == StepStatus.COMPLETED) {
                    throw new IllegalArgumentException("a step is recorded RUNNING, SKIPPED or FAILED, then finished: "
                            + s.instance());
                }
                if (all.putIfAbsent(s.instance(), s) == null) {
                    inserted++;
                }
            }
            runs.put(run, withSteps(r, List.copyOf(all.values())));
            return inserted;
        });
    }

    @Override
    public boolean finishStep(UUID run, StepInstance instance, StepStatus to, JsonNode output, String error, int attempts) {
        if (to != StepStatus.COMPLETED && to != StepStatus.FAILED) {
            throw new IllegalArgumentException("a step finishes COMPLETED or FAILED, not " + to);
        }
        return locked(() -> {
            PipelineRun r = runs.get(run);
            if (r == null) {
                return false;
            }
            TreeMap<StepInstance, StepRecord> all = byInstance(r);
            StepRecord s = all.get(instance);
            if (s == null || s.status() != StepStatus.RUNNING) {
                return false;
            }
            all.put(instance, new StepRecord(instance, to, s.carrier(), s.input(),
                    to == StepStatus.COMPLETED ? output : null, to == StepStatus.FAILED ? error : null, attempts,
                    s.standsFor(), s.startedAt(), now()));
            runs.put(run, withSteps(r, List.copyOf(all.values())));
            return true;
        });
    }

    @Override
    public boolean finishRun(UUID run, RunPhase to, String failedStep, String error) {
        if (to != RunPhase.COMPLETED && to != RunPhase.FAILED) {
            throw new IllegalArgumentException("a run finishes COMPLETED or FAILED, not " + to);
        }
        return end(run, to, failedStep, error);
    }

    @Override
    public boolean cancelRun(UUID run, String reason) {
        return end(run, RunPhase.CANCELLED, null, reason);
    }

    private boolean end(UUID run, RunPhase to, String failedStep, String error) {
        return locked(() -> {
            PipelineRun r = runs.get(run);
            if (r == null || r.phase() != RunPhase.RUNNING) {
                return false;
            }
            runs.put(run, new PipelineRun(r.id(), r.pipeline(), r.version(), to, r.input(), r.idempotencyKey(),
                    r.generation(), failedStep, error, r.createdAt(), now(), r.trace(), r.steps()));
            return true;
        });
    }

    @Override
    public boolean retryRun(UUID run, PlannedSpan trace) {
        return locked(() -> {
            PipelineRun r = runs.get(run);
            if (r == null || r.phase() != RunPhase.FAILED) {
                return false;
            }
            List<StepRecord> kept = r.steps().stream().filter(s -> s.status() == StepStatus.COMPLETED).toList();
            runs.put(run, new PipelineRun(r.id(), r.pipeline(), r.version(), RunPhase.RUNNING, r.input(),
                    r.idempotencyKey(), r.generation() + 1, null, null, r.createdAt(), null, trace, kept));
            return true;
        });
    }

    private static TreeMap<StepInstance, StepRecord> byInstance(PipelineRun r) {
        TreeMap<StepInstance, StepRecord> m = new TreeMap<>(StepInstance.ORDER);
        r.steps().forEach(s -> m.put(s.instance(), s));
        return m;
    }

    private static PipelineRun withSteps(PipelineRun r, List<StepRecord> steps) {
        return r.withSteps(steps);
    }

    private <T> T locked(Supplier<T> body) {
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
    }
}
