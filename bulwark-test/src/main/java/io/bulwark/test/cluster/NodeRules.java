package io.bulwark.test.cluster;

import io.bulwark.cluster.NodeInfo;
import io.bulwark.cluster.NodeRole;
import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.Beat;
import io.bulwark.cluster.store.ClusterStore;
import io.bulwark.cluster.store.NodeRow;
import io.bulwark.core.time.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The root of {@link ClusterStoreContract}: opens a store before each test and closes it after,
 * and holds the node registry's rules (register, heartbeat, drain, death, removal). The chain
 * {@code NodeRules ← LeaderRules ← ClusterStoreContract} is the job contract's shape, for the same
 * reason: Surefire runs inherited {@code @Test} methods, not inherited {@code @Nested} classes.
 */
abstract class NodeRules {

    /** How long a test's leader holds its term unless it says otherwise. */
    static final Duration TTL = Duration.ofSeconds(10);

    /** Whole seconds, moved in whole milliseconds: stores that keep milliseconds compare equal. */
    protected final SettableClock clock = SettableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
    protected ClusterStore store;

    /** See {@link ClusterStoreContract#open}. */
    protected abstract ClusterStore open(SettableClock clock) throws Exception;

    /** See {@link ClusterStoreContract#cleanup}. */
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

    static NodeInfo node(String id) {
        return new NodeInfo(id, "host-" + id, NodeRole.WORKER, "0.1.0", Instant.parse("2026-11-23T09:59:00.123Z"),
                List.of("mail", "reports"), 8);
    }

    /** {@code id} registered, as a fresh row holds it now. */
    NodeInfo registered(String id) {
        NodeInfo n = node(id);
        store.register(n);
        return n;
    }

    Term leader(String id) {
        return store.elect(id, TTL).orElseThrow(() -> new AssertionError(id + " was not elected"));
    }

    NodeRow row(String id) {
        return store.nodes().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + id + " in " + store.nodes()));
    }

    @Test
    void aRegisteredNodeIsKnownWithAHeartbeatNowAndWhatItSaidOfItself() {
        NodeInfo a = registered("a");

        assertThat(store.nodes()).containsExactly(new NodeRow(a, clock.instant(), 0, a.queues(), false, false, null));
    }

    @Test
    void everyFieldANodeSaysOfItselfReadsBackAsItWasSaid() {
        NodeInfo api = new NodeInfo("web-1-4711-3f9a2c", "web-1.example.internal", NodeRole.API, "1.2.3-rc.1",
                Instant.parse("2026-01-02T03:04:05.678Z"), List.of(), 0);
        NodeInfo both = new NodeInfo("Both_2", "b", NodeRole.BOTH, "v", Instant.EPOCH,
                List.of("z", "a", "é 🎉 'q' \"x\""), 1_000);
        store.register(api);
        store.register(both);

        assertThat(store.nodes()).extracting(NodeRow::info).containsExactly(both, api);
    }

    @Test
    void aHeartbeatStampsTheStoresTimeAndWhatTheNodeRunsNow() {
        NodeInfo a = registered("a");
        clock.advance(Duration.ofMillis(5_250));

        Beat beat = store.heartbeat("a", 3, List.of("mail"), true);

        assertThat(beat).isEqualTo(new Beat(clock.instant(), true, false));
        assertThat(store.nodes()).as("the joining info keeps its queues; the row has the heartbeat's")
                .containsExactly(new NodeRow(a, clock.instant(), 3, List.of("mail"), true, false, null));
    }

    @Test
    void aHeartbeatFromAnUnknownNodeIsNotKnownAndAddsNothing() {
        clock.advance(Duration.ofSeconds(1));

        assertThat(store.heartbeat("ghost", 1, List.of(), false)).isEqualTo(new Beat(clock.instant(), false, false));
        assertThat(store.nodes()).isEmpty();
    }

    @Test
    void registeringAgainReplacesTheRowAndClearsDrainAndDeath() {
        registered("a");
        store.requestDrain("a");
        store.markDead(List.of("a"), leader("leader"));
        clock.advance(Duration.ofSeconds(3));
        NodeInfo again = new NodeInfo("a", "other-host", NodeRole.BOTH, "0.2.0", clock.instant(), List.of("x"), 2);

        store.register(again);

        assertThat(store.nodes()).containsExactly(new NodeRow(again, clock.instant(), 0, List.of("x"), false, false, null));
        assertThat(store.heartbeat("a", 0, List.of("x"), false).known()).isTrue();
    }

    @Test
    void aDeregisteredNodeIsGoneAndUnknownIdsAreIgnored() {
        registered("a");
        registered("b");

        store.deregister("a");
        store.deregister("never-was");

        assertThat(store.nodes()).extracting(NodeRow::id).containsExactly("b");
        assertThat(store.heartbeat("a", 0, List.of(), false).known()).as("it must register again").isFalse();
        assertThat(store.nodes()).extracting(NodeRow::id).containsExactly("b");
    }

    @Test
    void aDrainRequestReachesTheNodeAtEachLaterHeartbeat() {
        NodeInfo a = registered("a");
        registered("b");

        assertThat(store.requestDrain("a")).isTrue();
        assertThat(store.requestDrain("ghost")).isFalse();

        assertThat(row("a").drainRequested()).isTrue();
        assertThat(row("b").drainRequested()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.heartbeat("a", 2, a.queues(), false)).isEqualTo(new Beat(clock.instant(), true, true));
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.heartbeat("a", 1, a.queues(), true)).isEqualTo(new Beat(clock.instant(), true, true));
        assertThat(store.heartbeat("b", 0, a.queues(), false).drainRequested()).isFalse();
        assertThat(row("a").draining()).as("the node's own word, apart from the request").isTrue();
    }

    @Test
    void nodesAreListedByIdLiveAndDead() {
        for (String id : List.of("node-9", "b", "node-10", "Node-2", "a")) {
            registered(id);
        }
        store.markDead(List.of("b"), leader("leader"));

        assertThat(store.nodes()).extracting(NodeRow::id).containsExactly("Node-2", "a", "b", "node-10", "node-9");
        assertThat(store.nodes()).filteredOn(NodeRow::dead).extracting(NodeRow::id).containsExactly("b");
    }

    @Test
    void aNodeDeclaredDeadIsNotKnownUntilItRegistersAgain() {
        registered("a");
        Instant lastBeat = clock.instant();
        Term term = leader("leader");
        clock.advance(Duration.ofSeconds(2));

        Instant at = store.markDead(List.of("a"), term);

        assertThat(at).isEqualTo(clock.instant());
        assertThat(row("a").deadAt()).isEqualTo(at);
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.heartbeat("a", 4, List.of(), true)).isEqualTo(new Beat(clock.instant(), false, false));
        assertThat(row("a")).as("a dead node's heartbeat changes nothing").satisfies(r -> {
            assertThat(r.lastHeartbeat()).isEqualTo(lastBeat);
            assertThat(r.inFlight()).isZero();
            assertThat(r.deadAt()).isEqualTo(at);
        });
        assertThat(store.requestDrain("a")).as("no live node has that id").isFalse();

        registered("a");
        assertThat(store.heartbeat("a", 0, List.of(), false).known()).isTrue();
    }

    @Test
    void markDeadSkipsUnknownAndAlreadyDeadNodes() {
        registered("a");
        registered("b");
        Term term = leader("leader");
        Instant first = store.markDead(List.of("a", "ghost"), term);
        clock.advance(Duration.ofSeconds(1));

        Instant second = store.markDead(List.of("a", "b"), term);

        assertThat(row("a").deadAt()).as("declared once").isEqualTo(first);
        assertThat(row("b").deadAt()).isEqualTo(second);
        assertThat(store.nodes()).extracting(NodeRow::id).containsExactly("a", "b");
        assertThat(store.markDead(List.of(), term)).isEqualTo(clock.instant());
    }

    @Test
    void forgetDeadRemovesOnlyNodesDeclaredDeadBeforeTheInstant() {
        registered("a");
        registered("b");
        registered("c");
        Term term = leader("leader");
        store.markDead(List.of("a"), term);
        clock.advance(Duration.ofSeconds(1));
        Instant bDied = store.markDead(List.of("b"), term);

        assertThat(store.forgetDead(bDied, term)).as("a only: b died at the instant, not before").isEqualTo(1);
        assertThat(store.nodes()).extracting(NodeRow::id).containsExactly("b", "c");
        assertThat(store.forgetDead(bDied.plusMillis(1), term)).isEqualTo(1);
        assertThat(store.nodes()).extracting(NodeRow::id).containsExactly("c");
        assertThat(store.forgetDead(bDied.plusSeconds(60), term)).as("live nodes stay").isZero();
    }
}
