package io.bulwark.server.internal.schedules;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bulwark.cluster.ClusterNode;
import io.bulwark.cluster.NodeInfo;
import io.bulwark.cluster.NodeRole;
import io.bulwark.cluster.store.InMemoryClusterStore;
import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigInputs;
import io.bulwark.core.config.ConfigLoader;
import io.bulwark.core.health.HealthResult;
import io.bulwark.core.health.HealthStatus;
import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobClient;
import io.bulwark.jobs.QueueRegistry;
import io.bulwark.jobs.QueueSettings;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.scheduler.FiringState;
import io.bulwark.scheduler.store.InMemoryScheduleStore;
import io.bulwark.scheduler.store.ScheduleRow;
import io.bulwark.scheduler.store.ScheduleStore;
import io.bulwark.server.ServerKeys;
import io.bulwark.server.StartupException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The capability driven pass by pass on a settable clock: only the leader fires, config schedules
 * are written at start and lose to API changes, failures are logged once, bad config names its key.
 */
class SchedulesCapabilityTest {

    private static final Map<String, String> HOURLY = Map.of("schedules.report.cron", "0 0 * * * *",
            "schedules.report.job.queue", "reports", "schedules.report.job.type", "builtin.noop",
            "schedules.report.job.payload", "{\"kind\":\"hourly\"}", "schedules.report.description", "from the file");

    @TempDir
    Path dir;

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:30Z"));
    private final InMemoryClusterStore cluster = new InMemoryClusterStore(clock);
    private final InMemoryJobStore jobStore = new InMemoryJobStore(clock);
    private final JobClient jobs = new JobClient(jobStore, new QueueRegistry(QueueSettings.DEFAULT),
            new Uuid7(clock, new SplittableRandom(7)), new SimpleMeterRegistry(), q -> { });
    private final ScheduleStore store = new InMemoryScheduleStore(clock, cluster);
    /** Node a's monotonic clock: it believes in its lease until this moves. */
    private final AtomicLong tickerA = new AtomicLong();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(SchedulesCapability.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logs);
        logger.setLevel(null);
    }

    private BulwarkConfig config(Map<String, String> flags) {
        Map<String, String> all = new java.util.HashMap<>(flags);
        all.put("data.dir", dir.toString());
        return ConfigLoader.load(ServerKeys.schema(), new ConfigInputs(Optional.empty(), dir, Map.of(), all, Optional.empty()));
    }

    private ClusterNode node(String id, AtomicLong ticker) {
        return ClusterNode.builder(cluster, new NodeInfo(id, id, NodeRole.BOTH, "test", clock.instant(), List.of(), 10))
                .heartbeat(Duration.ofSeconds(5)).ticker(ticker::get).build();
    }

    private SchedulesCapability capability(Map<String, String> flags, ClusterNode node, ScheduleStore on) {
        return new SchedulesCapability(config(flags), new SimpleMeterRegistry(), clock, 1 << 20, node, jobs, on);
    }

    private List<Job> jobsIn(String queue) {
        return jobStore.list(new JobQuery(queue, null, null, null, 1000));
    }

    @Test
    void onlyTheLeaderFiresADueTickAndItFiresItOnce() throws Exception {
        ClusterNode a = node("a", tickerA);
        ClusterNode b = node("b", new AtomicLong());
        a.join();
        b.join();
        assertThat(a.elect()).isPresent();
        assertThat(b.elect()).isEmpty();
        SchedulesCapability onA = capability(HOURLY, a, store);
        SchedulesCapability onB = capability(HOURLY, b, store);

        assertThat(onA.pass()).contains(Map.of());
        assertThat(jobsIn("reports")).isEmpty();
        clock.set(Instant.parse("2026-01-01T01:00:00.400Z"));
        assertThat(a.elect()).as("a renews its lease at the store's new time").isPresent();
        assertThat(b.elect()).isEmpty();
        assertThat(onB.pass()).as("a follower does not fire").isEmpty();
        assertThat(jobsIn("reports")).isEmpty();
        assertThat(onA.pass()).contains(Map.of(FiringState.FIRED, 1));
        assertThat(onA.pass()).as("a tick fires once").contains(Map.of());
        assertThat(onB.pass()).isEmpty();

        List<Job> fired = jobsIn("reports");
        assertThat(fired).hasSize(1);
        assertThat(fired.getFirst().type()).isEqualTo("builtin.noop");
        assertThat(fired.getFirst().tags()).contains("schedule:report");
        var history = onB.scheduler().history("report", 5);
        assertThat(history).hasSize(1);
        assertThat(history.getFirst().firing().tick()).isEqualTo(Instant.parse("2026-01-01T01:00:00Z"));
        assertThat(history.getFirst().firing().ref()).isEqualTo(fired.getFirst().id().toString());

        HealthResult health = onA.healthChecks().getFirst().check();
        assertThat(health.status()).isEqualTo(HealthStatus.UP);
        assertThat(health.details()).containsEntry("active", 1L).containsEntry("paused", 0L).containsEntry("leader", true)
                .containsEntry("lastPassAt", "2026-01-01T01:00:00.400Z");
        assertThat(onB.healthChecks().getFirst().check().details()).containsEntry("leader", false)
                .doesNotContainKey("lastPassAt");
    }

    @Test
    void theLeaderWakesWhenTheEarliestTickComesAndOthersOnceAPeriod() {
        ClusterNode a = node("a", tickerA);
        ClusterNode b = node("b", new AtomicLong());
        assertThat(a.elect()).isPresent();
        SchedulesCapability onA = capability(HOURLY, a, store);
        SchedulesCapability onB = capability(HOURLY, b, store);
        assertThat(onA.untilNextPass()).as("the next tick is an hour away: a period at most").isEqualTo(SchedulesCapability.PERIOD);
        clock.set(Instant.parse("2026-01-01T00:59:59.650Z"));
        assertThat(a.elect()).isPresent();
        assertThat(onA.untilNextPass()).as("the tick at 01:00 is 350 ms away").isEqualTo(java.time.Duration.ofMillis(350));
        assertThat(onB.untilNextPass()).as("not the leader").isEqualTo(SchedulesCapability.PERIOD);
    }

    @Test
    void aLeaderWhoseTermEndedFiresNothingAndSaysSoQuietly() {
        ClusterNode a = node("a", tickerA);
        ClusterNode b = node("b", new AtomicLong());
        a.join();
        b.join();
        a.elect();
        SchedulesCapability onA = capability(HOURLY, a, store);
        // a is paused past its lease (its own clock stands still); b takes over in the store.
        clock.set(Instant.parse("2026-01-01T01:00:00.400Z"));
        assertThat(b.elect()).isPresent();
        assertThat(a.isLeader()).as("a still believes it leads").isTrue();

        // a may enqueue the tick's job (with the tick's idempotency key) but cannot record the tick.
        assertThat(onA.pass()).isEmpty();
        assertThat(onA.scheduler().history("report", 5)).isEmpty();
        assertThat(jobsIn("reports")).hasSizeLessThanOrEqualTo(1);
        assertThat(logs.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).isEmpty();
        assertThat(logs.list).anyMatch(e -> e.getLevel() == Level.DEBUG && e.getFormattedMessage().contains("the new leader fires"));

        // b fires the tick: the same key starts nothing new, so the tick has one job.
        SchedulesCapability onB = capability(HOURLY, b, store);
        assertThat(onB.pass()).contains(Map.of(FiringState.FIRED, 1));
        assertThat(jobsIn("reports")).hasSize(1);
        assertThat(onB.scheduler().history("report", 5)).singleElement()
                .satisfies(f -> assertThat(f.firing().ref()).isEqualTo(jobsIn("reports").getFirst().id().toString()));
    }

    @Test
    void configSchedulesAreWrittenAtStartAndAnApiChangeWinsOverTheFileAtRestart() {
        ClusterNode a = node("a", tickerA);
        SchedulesCapability first = capability(HOURLY, a, store);
        ScheduleRow fromFile = first.scheduler().get("report").orElseThrow();
        assertThat(fromFile.source()).isEqualTo(ScheduleRow.CONFIG);
        assertThat(fromFile.schedule().description()).isEqualTo("from the file");
        assertThat(fromFile.schedule().cron().text()).isEqualTo("0 0 * * * *");

        first.scheduler().put(fromFile.schedule().toBuilder().description("changed over the API").build());
        first.close();

        SchedulesCapability restarted = capability(HOURLY, a, store);
        ScheduleRow kept = restarted.scheduler().get("report").orElseThrow();
        assertThat(kept.source()).isEqualTo(ScheduleRow.API);
        assertThat(kept.schedule().description()).isEqualTo("changed over the API");
        assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.INFO).map(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.contains("Schedule report was changed over the API") && m.contains("schedules.report.*")
                        && m.contains("bulwark schedules delete report") && m.contains("DELETE /api/v1/schedules/report"));

        restarted.scheduler().delete("report");
        SchedulesCapability again = capability(HOURLY, a, store);
        assertThat(again.scheduler().get("report").orElseThrow().schedule().description()).isEqualTo("from the file");

        SchedulesCapability withoutIt = capability(Map.of(), a, store);
        assertThat(withoutIt.scheduler().get("report")).as("a schedule the file no longer declares is gone").isEmpty();
    }

    @Test
    void aFailingPassIsLoggedOncePerMessageAndDegradesHealthUntilItWorksAgain() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        ScheduleStore flaky = (ScheduleStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{ScheduleStore.class}, (proxy, method, args) -> {
                    if (broken.get() && method.getName().equals("list")) {
                        throw new IllegalStateException("database unreachable");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ClusterNode a = node("a", tickerA);
        a.join();
        a.elect();
        SchedulesCapability onA = capability(HOURLY, a, flaky);
        broken.set(true);
        clock.set(Instant.parse("2026-01-01T01:00:00.400Z"));
        a.elect();
        assertThat(onA.pass()).isEmpty();
        assertThat(onA.pass()).isEmpty();
        assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1).first()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("database unreachable")
                        .contains("the next pass").contains("Logged again only if the error changes"));
        HealthResult degraded = onA.healthChecks().getFirst().check();
        assertThat(degraded.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(String.valueOf(degraded.details().get("lastError"))).contains("database unreachable");
        assertThat(String.valueOf(degraded.details().get("storeError"))).contains("cannot read schedules");
        assertThat(onA.healthChecks().getFirst().readiness()).isFalse();

        broken.set(false);
        assertThat(onA.pass()).contains(Map.of(FiringState.FIRED, 1));
        assertThat(onA.healthChecks().getFirst().check().status()).isEqualTo(HealthStatus.UP);
        assertThat(logs.list).anyMatch(e -> e.getLevel() == Level.INFO && e.getFormattedMessage().contains("fire again"));
    }

    @Test
    void theScheduleGaugeCountsActiveAndPausedSchedules() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Map<String, String> two = new java.util.HashMap<>(HOURLY);
        two.put("schedules.quiet.cron", "@daily");
        two.put("schedules.quiet.job.type", "builtin.noop");
        two.put("schedules.quiet.paused", "true");
        new SchedulesCapability(config(two), meters, clock, 1 << 20, node("a", tickerA), jobs, store);
        assertThat(meters.get("bulwark_scheduler_schedules").tag("state", "active").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("bulwark_scheduler_schedules").tag("state", "paused").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void badScheduleConfigStopsTheStartNamingTheKey() {
        ClusterNode a = node("a", tickerA);
        assertThatThrownBy(() -> capability(Map.of("schedules.x.cron", "@daily", "schedules.x.job.type", "builtin.noop",
                "schedules.x.zone", "Mars/Olympus"), a, store)).isInstanceOf(StartupException.class)
                .hasMessageContaining("schedules.x.zone: must be an IANA time zone");
        assertThatThrownBy(() -> capability(Map.of("schedules.x.cron", "61 * * * *", "schedules.x.job.type", "builtin.noop"),
                a, store)).isInstanceOf(StartupException.class).hasMessageContaining("schedules.x.cron: cron '61 * * * *'");
        assertThatThrownBy(() -> capability(Map.of("schedules.x.cron", "@daily", "schedules.x.job.type", "builtin.noop",
                "schedules.x.job.payload", "{kind: daily"), a, store)).isInstanceOf(StartupException.class)
                .hasMessageContaining("schedules.x.job.payload must be JSON text");
        assertThatThrownBy(() -> capability(Map.of("schedules.x.job.type", "builtin.noop"), a, store))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("schedules.x.job.type is set but schedules.x.cron is not");
        assertThatThrownBy(() -> capability(Map.of("schedules.x.cron", "@daily"), a, store))
                .isInstanceOf(StartupException.class).hasMessageContaining("schedules.x.job: exactly one of job {queue, type, payload} and pipeline {id, input} must be set");
        assertThatThrownBy(() -> capability(Map.of("schedules.x.cron", "@daily", "schedules.x.pipeline.id", "etl"), a, store))
                .as("without the pipelines capability (its launcher) nothing can start a pipeline target")
                .isInstanceOf(StartupException.class).hasMessageContaining("schedules.x")
                .hasMessageContaining("targets a pipeline, but this node can start only job");
        assertThatThrownBy(() -> capability(Map.of("schedules.x.cron", "@daily", "schedules.x.job.type", "builtin.noop",
                "schedules.x.startAt", "2027-01-02T00:00:00Z", "schedules.x.endAt", "2027-01-01T00:00:00Z"), a, store))
                .isInstanceOf(StartupException.class).hasMessageContaining("schedules.x.endAt: must be after startAt");
        assertThat(store.list()).as("nothing was written by a refused start").isEmpty();
    }

    @Test
    void unknownScheduleKeysAndBadTypedValuesAreConfigErrors() {
        assertThatThrownBy(() -> config(Map.of("schedules.x.crn", "@daily"))).hasMessageContaining("schedules.x.crn")
                .hasMessageContaining("unknown key");
        assertThatThrownBy(() -> config(Map.of("schedules.x.misfire", "never"))).hasMessageContaining("schedules.x.misfire")
                .hasMessageContaining("fire-once");
        assertThatThrownBy(() -> config(Map.of("schedules.x.job.priority", "12"))).hasMessageContaining("schedules.x.job.priority");
    }
}
