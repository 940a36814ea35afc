package io.bulwark.test.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.json.Json;
import io.bulwark.core.time.SettableClock;
import io.bulwark.pipeline.After;
import io.bulwark.pipeline.OnFailure;
import io.bulwark.pipeline.PipelineDefinition;
import io.bulwark.pipeline.PipelineDefinitions;
import io.bulwark.pipeline.StepDefinition;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.StepRetry;
import io.bulwark.pipeline.StepStatus;
import io.bulwark.pipeline.store.NewRun;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.pipeline.store.StepRecord;
import io.bulwark.pipeline.store.StoredPipeline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The root of {@link PipelineStoreContract}: opens the store before each test and closes it after,
 * holds the helpers, and the rules of definitions (register, versions, reads, the store's clock).
 * The chain {@code DefinitionRules ← RunRules ← StepRules ← PhaseRules ← PipelineStoreContract}
 * is the schedule contract's shape, for its reason: Surefire runs inherited {@code @Test} methods,
 * not inherited {@code @Nested} classes.
 */
abstract class DefinitionRules {

    static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

    /** Whole seconds, moved in whole milliseconds: stores that keep milliseconds compare equal. */
    protected final SettableClock clock = SettableClock.at(START);
    /** UUIDv7 run ids from the test's clock: a run started later has a greater id. */
    protected final Uuid7 ids = new Uuid7(clock, new SplittableRandom(7));
    protected PipelineStore store;

    /** See {@link PipelineStoreContract#open}. */
    protected abstract PipelineStore open(SettableClock clock) throws Exception;

    /** See {@link PipelineStoreContract#cleanup}. */
    protected void cleanup() throws Exception {
    }

    @BeforeEach
    void openStore() throws Exception {
        store = open(clock);
    }

    @AfterEach
    void closeStore() throws Exception {
        try {
            store.close();
        } finally {
            cleanup();
        }
    }

    // ------------------------------------------------------------------ helpers

    static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad JSON in a test: " + text, e);
        }
    }

    /** A two-step pipeline: {@code extract}, then {@code load} with {@code loadType}. */
    static PipelineDefinition etl(String id, String loadType) {
        return PipelineDefinition.builder(id)
                .step(StepDefinition.builder("extract", "builtin.echo").input(json("{\"from\":\"${input.day}\"}")).build())
                .step(StepDefinition.builder("load", loadType).after("extract").build())
                .build();
    }

    static PipelineDefinition etl(String id) {
        return etl(id, "builtin.noop");
    }

    /** {@code d} as the store gives version {@code version} of it back. */
    static PipelineDefinition at(PipelineDefinition d, int version) {
        return new PipelineDefinition(d.id(), version, d.inputSchema(), d.steps());
    }

    /** Starts a run of version 1 of {@code pipeline} without a key; returns it as the store recorded it. */
    PipelineRun started(String pipeline) {
        return store.startRun(new NewRun(ids.next(), pipeline, 1, json("{\"day\":\"2026-11-22\"}"), null)).run();
    }

    PipelineRun run(UUID id) {
        return store.run(id).orElseThrow(() -> new AssertionError("no run " + id + " in the store"));
    }

    /** A RUNNING record of {@code instance} with job {@code job}, started now. */
    StepRecord running(StepInstance instance, String job) {
        return new StepRecord(instance, StepStatus.RUNNING, job, json("{\"n\":1}"), null, null, 0, null,
                clock.instant(), null);
    }

    StepRecord skipped(StepInstance instance, String why) {
        return new StepRecord(instance, StepStatus.SKIPPED, null, null, null, why, 0, null, clock.instant(),
                clock.instant());
    }

    StepRecord failed(StepInstance instance, String why) {
        return new StepRecord(instance, StepStatus.FAILED, null, null, null, why, 0, null, clock.instant(),
                clock.instant());
    }

    StoredPipeline latest(String id) {
        return store.pipeline(id).orElseThrow(() -> new AssertionError("no pipeline " + id + " in "
                + store.pipelines()));
    }

    // ------------------------------------------------------------------ rules

    @Test
    void nowIsTheStoresClock() {
        assertThat(store.now()).isEqualTo(START);
        clock.advance(Duration.ofMillis(1_250));
        assertThat(store.now()).isEqualTo(START.plusMillis(1_250));
    }

    @Test
    void nothingIsKnownOfAPipelineNeverRegistered() {
        assertThat(store.pipeline("missing")).isEmpty();
        assertThat(store.pipeline("missing", 1)).isEmpty();
        assertThat(store.versions("missing")).isEmpty();
        assertThat(store.pipelines()).isEmpty();
    }

    @Test
    void aNewIdIsRegisteredAsVersionOneStampedByTheStoresClockWhateverVersionItCarries() {
        clock.advance(Duration.ofSeconds(3));
        PipelineDefinition given = PipelineDefinition.builder("etl").version(7)
                .step(StepDefinition.builder("extract", "builtin.echo").build()).build();

        PipelineStore.Registered r = store.register(given);

        StoredPipeline expected = new StoredPipeline(at(given, 1), clock.instant());
        assertThat(r.created()).as("a new id makes a version").isTrue();
        assertThat(r.pipeline()).isEqualTo(expected);
        assertThat(store.pipeline("etl")).contains(expected);
        assertThat(store.pipeline("etl", 1)).contains(expected);
        assertThat(store.versions("etl")).containsExactly(expected);
    }

    @Test
    void registeringUnchangedContentAgainReturnsTheLatestVersionAndMakesNone() {
        StoredPipeline first = store.register(etl("etl")).pipeline();
        clock.advance(Duration.ofMinutes(1));

        PipelineStore.Registered again = store.register(at(etl("etl"), 5));

        assertThat(again.created()).as("the same content (its version number aside) is no change").isFalse();
        assertThat(again.pipeline()).isEqualTo(first);
        assertThat(store.versions("etl")).containsExactly(first);
    }

    @Test
    void aChangedDefinitionGetsTheNextVersionAndEveryEarlierVersionStaysReadable() {
        StoredPipeline v1 = store.register(etl("etl")).pipeline();
        clock.advance(Duration.ofMinutes(1));
        PipelineStore.Registered v2 = store.register(etl("etl", "load-warehouse"));
        clock.advance(Duration.ofMinutes(1));
        PipelineDefinition withSchema = PipelineDefinition.builder("etl").inputSchema(json("{\"type\":\"object\"}"))
                .step(StepDefinition.builder("extract", "builtin.echo").build()).build();
        PipelineStore.Registered v3 = store.register(withSchema);

        assertThat(v2.created()).isTrue();
        assertThat(v2.pipeline()).isEqualTo(new StoredPipeline(at(etl("etl", "load-warehouse"), 2),
                START.plus(Duration.ofMinutes(1))));
        assertThat(v3.created()).isTrue();
        assertThat(v3.pipeline()).isEqualTo(new StoredPipeline(at(withSchema, 3), START.plus(Duration.ofMinutes(2))));
        assertThat(store.pipeline("etl")).contains(v3.pipeline());
        assertThat(store.pipeline("etl", 1)).contains(v1);
        assertThat(store.pipeline("etl", 2)).contains(v2.pipeline());
        assertThat(store.pipeline("etl", 4)).isEmpty();
        assertThat(store.versions("etl")).as("oldest first").containsExactly(v1, v2.pipeline(), v3.pipeline());
    }

    @Test
    void contentIsComparedWithTheLatestVersionOnlySoGoingBackMakesANewVersion() {
        store.register(etl("etl"));
        store.register(etl("etl", "load-warehouse"));

        PipelineStore.Registered back = store.register(etl("etl"));

        assertThat(back.created()).isTrue();
        assertThat(back.pipeline().version()).isEqualTo(3);
        assertThat(back.pipeline().definition()).isEqualTo(at(etl("etl"), 3));
    }

    @Test
    void pipelinesHoldsTheLatestVersionOfEachSortedByIdAsJavaComparesThem() {
        List<String> names = List.of("b", "a", "C", "a-2", "a_3", "a.1", "B10", "B9");
        for (String n : names) {
            store.register(etl(n));
        }
        store.register(etl("b", "load-warehouse"));

        assertThat(store.pipelines()).extracting(StoredPipeline::id)
                .containsExactlyElementsOf(names.stream().sorted().toList());
        assertThat(store.pipelines()).filteredOn(p -> p.id().equals("b")).singleElement()
                .satisfies(p -> assertThat(p.version()).isEqualTo(2));
        assertThat(store.pipelines()).filteredOn(p -> !p.id().equals("b"))
                .allSatisfy(p -> assertThat(p.version()).isEqualTo(1));
    }

    @Test
    void everyPartOfADefinitionComesBackAsRegistered() {
        PipelineDefinition full = PipelineDefinition.builder("full.pipeline_1")
                .inputSchema(json("{\"type\":\"object\",\"required\":[\"day\"],\"properties\":{\"day\":"
                        + "{\"type\":\"string\",\"description\":\"Tag 🌙 'quoted' \\\"double\\\"\"}}}"))
                .step(StepDefinition.builder("fetch", "http:llm").input(json("{\"prompt\":\"Zusammenfassung für ${input"
                        + ".day}\",\"n\":[1,2.5,-3],\"deep\":{\"a\":{\"b\":null}}}")).retry(StepRetry.of(5,
                        Duration.ofMillis(250), 3.0, Duration.ofMinutes(2))).timeout(Duration.ofSeconds(90))
                        .onFailure(OnFailure.fallback("cached")).build())
                .step(StepDefinition.builder("cached", "builtin.echo").build())
                .step(StepDefinition.builder("each", "charge-card").after(After.when("fetch", "${fetch.ok}"))
                        .forEach("${fetch.items}").parallelism(4).onFailure(OnFailure.CONTINUE).build())
                .step(StepDefinition.builder("sum", "builtin.noop").after("each").forEach(json("[1,2,3]")).build())
                .build();

        store.register(full);

        assertThat(latest("full.pipeline_1").definition()).isEqualTo(full);
        assertThat(PipelineDefinitions.toTree(latest("full.pipeline_1").definition()))
                .isEqualTo(PipelineDefinitions.toTree(full));
    }

    @Test
    void registeringNothingIsRefusedNamingTheArgument() {
        assertThatThrownBy(() -> store.register(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("definition");
        assertThat(store.pipelines()).isEmpty();
    }
}
