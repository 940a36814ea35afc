package io.bulwark.cluster;

import io.bulwark.cluster.internal.ClusterMetrics;
import io.bulwark.cluster.store.Beat;
import io.bulwark.cluster.store.ClusterStore;
import io.bulwark.cluster.store.NodeRow;
import io.bulwark.cluster.store.NotLeaderException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * This process as a member of the fleet: it registers, heartbeats, takes part in leader election
 * and, while leader, declares nodes dead and hands them to a {@link DeadNodeHandler}.
 *
 * <pre>{@code
 * ClusterNode node = ClusterNode.builder(store, info).heartbeat(Duration.ofSeconds(5)).deadAfter(3)
 *         .onDead((dead, at, term) -> jobs.rescueNode(dead.id(), at, info.id(), 1000))
 *         .build();
 * node.start(scheduler);             // or drive join(), beat(), elect() by hand in a test
 * if (node.isLeader()) { ... }       // leader-only work, its writes fenced by node.term()
 * node.leave();
 * }</pre>
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Two cadences.</b> {@link #beat()} every heartbeat period writes this node's row;
 *       {@link #elect()} every half period renews or seeks leadership with a lease of one and a half
 *       periods (so a renewal may run a whole period late, on a loaded machine, without the lease
 *       lapsing), and then, on the leader, judges the fleet. A leader killed right after renewing
 *       is replaced within two periods.</li>
 *   <li><b>The store's clock judges.</b> Ages are store time minus the last heartbeat's store
 *       time; no two nodes' clocks are ever compared.</li>
 *   <li><b>No deaths declared across an outage.</b> A leader judges an absence only from the
 *       later of the node's last heartbeat and the moment this leader began to observe the store
 *       (its election, or the store coming back after a failed call). When the database returns
 *       after 30 s, every node gets {@code deadAfter} periods, and {@code reconnectGrace} more
 *       (a node's connection pool may find the database back seconds after the leader's did), to
 *       beat again before anyone is declared dead. A node last seen within {@code reconnectGrace}
 *       of the store's return gets the same: its pool may hand it one connection and then make its
 *       next beat wait while it refills (seen on MariaDB: one beat, then none for four seconds).</li>
 *   <li><b>Leadership is believed only while its lease runs on the local monotonic clock</b>,
 *       counted from before the renewal was sent; when renewals fail the node stops acting as
 *       leader before its term can lapse in the store. Leader-only writes are also fenced by the
 *       store, so this is a second line, not the only one.</li>
 *   <li><b>Re-joining.</b> A node that learns from a heartbeat that it was declared dead (a long
 *       pause, a partition) registers again under the same id. The jobs it had claimed before
 *       the declaration were rescued; their late completions are refused by their tokens.</li>
 * </ul>
 */
public final class ClusterNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    private final ClusterStore store;
    private final NodeInfo self;
    private final Duration heartbeat;
    private final Duration reconnectGrace;
    private final int deadAfter;
    private final Duration forgetAfter;
    private final LongSupplier ticker;
    private final DeadNodeHandler onDead;
    private final List<Consumer<Optional<Term>>> leadershipListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> drainListeners = new CopyOnWriteArrayList<>();
    private final ClusterMetrics metrics;
    private final Set<String> handled = ConcurrentHashMap.newKeySet();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    private volatile Supplier<NodeLoad> load = () -> NodeLoad.IDLE;
    private volatile Term term;
    private volatile long leaderDeadline;
    private volatile Instant observedSince;
    /** When this leader last saw the store back after failing to reach it; null if it never failed. */
    private volatile Instant storeBackAt;
    private volatile boolean sawFailure;
    private volatile boolean reachable = true;
    private volatile long lastBeat;
    private volatile boolean drainRequested;
    private volatile boolean joined;
    /** Set as {@link #leave()} begins: a beat that then finds the row gone must not register it again. */
    private volatile boolean left;
    private volatile long lastTermSeen;
    private volatile ClusterView lastView;
    // Micrometer holds a gauge's state object weakly: these fields keep the gauges' suppliers
    // alive as long as the node, or the gauges read NaN after the first garbage collection.
    private final DoubleSupplier heartbeatAgeGauge;
    private final DoubleSupplier leaderGauge;
    private final DoubleSupplier termGauge;

    private ClusterNode(Builder b) {
        this.store = b.store;
        this.self = b.self;
        this.heartbeat = b.heartbeat;
        this.deadAfter = b.deadAfter;
        this.forgetAfter = b.forgetAfter;
        this.reconnectGrace = b.reconnectGrace;
        this.ticker = b.ticker;
        this.onDead = b.onDead;
        this.lastBeat = ticker.getAsLong();
        this.heartbeatAgeGauge = () -> (ticker.getAsLong() - lastBeat) / 1e9;
        this.leaderGauge = () -> isLeader() ? 1 : 0;
        this.termGauge = () -> lastTermSeen;
        this.metrics = new ClusterMetrics(b.meters, heartbeatAgeGauge, leaderGauge, termGauge);
    }

    /** Starts building a node for {@code self} on {@code store}. */
    public static Builder builder(ClusterStore store, NodeInfo self) {
        return new Builder(store, self);
    }

    /** Options of a {@link ClusterNode}. */
    public static final class Builder {
        private final ClusterStore store;
        private final NodeInfo self;
        private Duration heartbeat = Duration.ofSeconds(5);
        private int deadAfter = 3;
        private Duration forgetAfter = Duration.ofHours(1);
        private Duration reconnectGrace = Duration.ofSeconds(5);
        private LongSupplier ticker = System::nanoTime;
        private DeadNodeHandler onDead = (n, at, t) -> { };
        private MeterRegistry meters = new SimpleMeterRegistry();

        private Builder(ClusterStore store, NodeInfo self) {
            this.store = Objects.requireNonNull(store, "store");
            this.self = Objects.requireNonNull(self, "self");
        }

        /** How often the node writes its heartbeat; 5 s by default. */
        public Builder heartbeat(Duration period) {
            if (period.compareTo(Duration.ofMillis(100)) < 0 || period.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("heartbeat must be between 100ms and 5m but was " + period);
            }
            this.heartbeat = period;
            return this;
        }

        /** After how many missed heartbeats the leader declares a node dead; 3 by default, at least 2. */
        public Builder deadAfter(int beats) {
            if (beats < 2 || beats > 100) {
                throw new IllegalArgumentException("deadAfter must be between 2 and 100 heartbeats but was " + beats);
            }
            this.deadAfter = beats;
            return this;
        }

        /**
         * How much longer than {@code deadAfter} periods a node last seen before a store outage, or
         * within this grace after the leader saw the store back, gets: the node's own connection
         * pool may be that much later to find the store again, or to refill after a first
         * connection. 5 s by default, HikariCP's longest wait between two attempts to open a
         * connection; zero or more.
         */
        public Builder reconnectGrace(Duration d) {
            if (Objects.requireNonNull(d, "reconnectGrace").isNegative()) {
                throw new IllegalArgumentException("reconnectGrace must not be negative but was " + d);
            }
            this.reconnectGrace = d;
            return this;
        }

        /** How long dead nodes stay listed before the leader removes them; 1 h by default. */
        public Builder forgetAfter(Duration d) {
            this.forgetAfter = Objects.requireNonNull(d, "forgetAfter");
            return this;
        }

        /** The monotonic nanosecond clock for local deadlines; {@code System::nanoTime} by default. */
        public Builder ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** What the leader does with each node it declares dead. */
        public Builder onDead(DeadNodeHandler handler) {
            this.onDead = Objects.requireNonNull(handler, "onDead");
            return this;
        }

        public Builder meters(MeterRegistry meters) {
            this.meters = Objects.requireNonNull(meters, "meters");
            return this;
        }

        public ClusterNode build() {
            return new ClusterNode(this);
        }
    }

    /** This node's id. */
    public String id() {
        return self.id();
    }

    public NodeInfo info() {
        return self;
    }

    public Duration heartbeatPeriod() {
        return heartbeat;
    }

    /** Where the heartbeat reads what this node runs. */
    public void reportLoad(Supplier<NodeLoad> load) {
        this.load = Objects.requireNonNull(load, "load");
    }

    /** Called (on the heartbeat thread) when becoming leader (the term) or ceasing to be (empty). */
    public void onLeadership(Consumer<Optional<Term>> listener) {
        leadershipListeners.add(listener);
    }

    /** Called once when someone asks this node to drain. */
    public void onDrainRequested(Runnable listener) {
        drainListeners.add(listener);
    }

    /** Registers this node. */
    public void join() {
        store.register(self);
        joined = true;
        lastBeat = ticker.getAsLong();
        LOG.info("Node {} ({}, {}) joined the cluster; heartbeat every {}, dead after {} missed", self.id(), self.name(),
                self.role().id(), heartbeat, deadAfter);
    }

    /** Writes a heartbeat; re-registers when the leader had declared this node dead. */
    public Beat beat() {
        NodeLoad now = load.get();
        Beat b = guarded("heartbeat", () -> store.heartbeat(self.id(), now.inFlight(), now.queues(), now.draining()));
        lastBeat = ticker.getAsLong();
        if (!b.known() && left) {
            return b; // the periodic beat raced leave(): its row is gone on purpose
        }
        if (!b.known() && !joined) {
            join();
        } else if (!b.known()) {
            LOG.warn("Node {} was declared dead by the leader (it missed {} heartbeats: a long pause or a lost "
                    + "connection); the jobs it had claimed before were rescued and their results will be refused. "
                    + "It registers again and goes on", self.id(), deadAfter);
            metrics.rejoined();
            store.register(self);
        }
        if (b.drainRequested() && !drainRequested) {
            drainRequested = true;
            LOG.info("Node {} was asked to drain: it stops claiming and leaves once its running jobs end", self.id());
            drainListeners.forEach(Runnable::run);
        }
        return b;
    }

    /**
     * Renews or seeks leadership, refreshes the view of the fleet and, on the leader, declares
     * nodes dead and hands them to the {@link DeadNodeHandler}.
     *
     * @return the term this node holds, or empty
     */
    public Optional<Term> elect() {
        long sent = ticker.getAsLong();
        Optional<Term> won;
        try {
            won = guarded("elect a leader", () -> store.elect(self.id(), leaderLease()));
        } catch (RuntimeException e) {
            if (term != null && ticker.getAsLong() - leaderDeadline >= 0) {
                lose("its leadership lapsed while the store could not be reached");
            }
            throw e;
        }
        if (won.isPresent()) {
            Term t = won.get();
            boolean fresh = term == null || term.term() != t.term();
            if (fresh || sawFailure) {
                observedSince = t.until().minus(leaderLease());
                if (sawFailure) {
                    storeBackAt = observedSince;
                }
                sawFailure = false;
            }
            term = t;
            leaderDeadline = sent + leaderLease().toNanos();
            lastTermSeen = t.term();
            if (fresh) {
                handled.clear();
                metrics.countLeaderChange("elected");
                LOG.info("Node {} is the leader (term {})", self.id(), t.term());
                leadershipListeners.forEach(l -> l.accept(won));
            }
        } else if (term != null) {
            lose("another node holds a newer term");
        }
        ClusterView view = refreshView();
        if (isLeader()) {
            judge(view);
        }
        return won;
    }

    /**
     * How long a leader's lease lasts: one and a half heartbeat periods. With elections every half
     * period, a leader killed right after renewing is replaced within two periods.
     */
    public Duration leaderLease() {
        return heartbeat.plus(heartbeat.dividedBy(2));
    }

    /** Runs {@link #beat()} once and {@link #elect()} once: a whole period's work, for tests. */
    public void tick() {
        beat();
        elect();
    }

    /** True while this node holds a term whose lease has not run out on the local clock. */
    public boolean isLeader() {
        return term != null && ticker.getAsLong() - leaderDeadline < 0;
    }

    /**
     * Asks the store whether {@code held} is still the current term, right before a leader-only act
     * that the store cannot fence itself (scaling a Deployment, moving traffic): the local lease may
     * not have run out while another node already won a newer term. One store read; false when the
     * store cannot answer.
     */
    public boolean stillLeads(Term held) {
        if (!isLeader() || term == null || term.term() != held.term()) {
            return false;
        }
        try {
            return guarded("confirm the leadership", store::leader)
                    .map(t -> t.term() == held.term() && t.holder().equals(self.id())).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The term this node holds, while it leads. */
    public Optional<Term> term() {
        return isLeader() ? Optional.ofNullable(term) : Optional.empty();
    }

    /** Whether the last call to the store worked. */
    public boolean storeReachable() {
        return reachable;
    }

    /** Whether someone asked this node to drain. */
    public boolean drainRequested() {
        return drainRequested;
    }

    /** The fleet as this node last saw it (at the last {@link #elect()}), if it has looked yet. */
    public Optional<ClusterView> lastView() {
        return Optional.ofNullable(lastView);
    }

    /** Reads the fleet from the store now. */
    public ClusterView view() {
        List<NodeRow> rows = store.nodes();
        Instant now = store.now();
        Optional<Term> leader = store.leader();
        leader.ifPresent(t -> lastTermSeen = Math.max(lastTermSeen, t.term()));
        List<NodeView> views = rows.stream().map(r -> new NodeView(r, state(r, now), age(r, now),
                leader.map(t -> t.holder().equals(r.id())).orElse(false))).toList();
        return new ClusterView(self.id(), now, leader, views);
    }

    /**
     * Joins, then heartbeats every period and elects every half period on {@code scheduler}. When
     * the store cannot be reached to join, the periodic work still starts: the first heartbeat that
     * reaches the store registers the node.
     *
     * <p>Elections run at a fixed rate, start to start: the lease is renewed every half period
     * however long each {@link #elect()} takes (it also reads the fleet and, on the leader, judges
     * it). With a fixed delay a slow round (a cold connection, a pause) added its whole duration to
     * the half period, and a leader could miss its own lease.
     */
    public void start(ScheduledExecutorService scheduler) {
        try {
            join();
        } catch (RuntimeException e) {
            LOG.warn("Node {} could not join the cluster yet ({}); it registers at its first heartbeat that reaches "
                    + "the store", self.id(), e.toString());
        }
        long period = heartbeat.toMillis();
        tasks.add(scheduler.scheduleWithFixedDelay(() -> quietly(this::beat), period, period, TimeUnit.MILLISECONDS));
        tasks.add(scheduler.scheduleAtFixedRate(() -> quietly(this::elect), 0, period / 2, TimeUnit.MILLISECONDS));
    }

    /** Stops the periodic work, gives up leadership at once and removes this node's row. */
    public void leave() {
        left = true;
        tasks.forEach(t -> t.cancel(false));
        Term t = term;
        try {
            if (t != null) {
                store.resign(t);
                term = null;
                LOG.info("Node {} resigned as leader (term {})", self.id(), t.term());
            }
            store.deregister(self.id());
            LOG.info("Node {} left the cluster", self.id());
        } catch (RuntimeException e) {
            LOG.warn("Node {} could not deregister ({}); the leader will declare it dead after {} missed heartbeats",
                    self.id(), e.toString(), deadAfter);
        }
    }

    @Override
    public void close() {
        leave();
    }

    private ClusterView refreshView() {
        ClusterView v = guarded("read the nodes", this::view);
        lastView = v;
        metrics.view(v);
        return v;
    }

    private void judge(ClusterView view) {
        Term t = term;
        Duration limit = heartbeat.multipliedBy(deadAfter);
        Instant back = storeBackAt;
        List<String> overdue = view.nodes().stream()
                .filter(n -> !n.row().dead() && !n.id().equals(self.id()))
                .filter(n -> {
                    Instant last = n.row().lastHeartbeat();
                    // Last seen before the outage ended, or while pools were refilling after it: its pool may
                    // find the store later than ours did, or hand it a connection once and then make its next
                    // beat wait while it refills.
                    boolean reconnecting = back != null && last.isBefore(back.plus(reconnectGrace));
                    Duration allowed = reconnecting ? limit.plus(reconnectGrace) : limit;
                    return Duration.between(later(last, observedSince), view.at()).compareTo(allowed) > 0;
                })
                .map(NodeView::id).toList();
        try {
            if (!overdue.isEmpty()) {
                Instant at = store.markDead(overdue, t);
                metrics.declaredDead(overdue.size());
                LOG.warn("Leader {} (term {}) declared {} dead: no heartbeat for more than {} ({} periods; last heartbeats {}, "
                        + "store back since {}); rescuing their running jobs now", self.id(), t.term(), overdue, limit, deadAfter,
                        view.nodes().stream().filter(n -> overdue.contains(n.id()))
                                .map(n -> n.id() + " at " + n.row().lastHeartbeat()).toList(),
                        back == null ? "this term began" : back);
                refreshView().nodes().stream().filter(n -> overdue.contains(n.id()))
                        .forEach(n -> handle(n.row(), n.row().deadAt() != null ? n.row().deadAt() : at, t));
            }
            ClusterView now = lastView;
            now.nodes().stream().filter(n -> n.row().dead() && !handled.contains(n.id()))
                    .forEach(n -> handle(n.row(), n.row().deadAt(), t));
            Instant forgetBefore = now.at().minus(forgetAfter);
            if (store.forgetDead(forgetBefore, t) > 0) {
                handled.retainAll(now.nodes().stream().filter(n -> !n.row().dead() || n.row().deadAt().isAfter(forgetBefore))
                        .map(NodeView::id).toList());
            }
        } catch (NotLeaderException e) {
            lose("the store refused a leader-only write: " + e.getMessage());
        }
    }

    private void handle(NodeRow node, Instant at, Term t) {
        if (handled.contains(node.id())) {
            return;
        }
        try {
            onDead.handle(node, at, t);
            handled.add(node.id());
        } catch (RuntimeException e) {
            LOG.warn("Leader {} could not hand over the work of dead node {} ({}); it tries again at its next "
                    + "judgement", self.id(), node.id(), e.toString());
        }
    }

    private void lose(String why) {
        Term t = term;
        term = null;
        if (t != null) {
            metrics.countLeaderChange("lost");
            LOG.warn("Node {} is no longer the leader (term {}): {}", self.id(), t.term(), why);
            leadershipListeners.forEach(l -> l.accept(Optional.empty()));
        }
    }

    private NodeState state(NodeRow r, Instant now) {
        if (r.dead()) {
            return NodeState.DEAD;
        }
        if (age(r, now).compareTo(heartbeat.multipliedBy(2)) > 0) {
            return NodeState.SUSPECT;
        }
        return r.draining() ? NodeState.DRAINING : NodeState.ALIVE;
    }

    private static Duration age(NodeRow r, Instant now) {
        Duration d = Duration.between(r.lastHeartbeat(), now);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static Instant later(Instant a, Instant b) {
        return b != null && b.isAfter(a) ? b : a;
    }

    /** Runs a store call, tracking reachability; logs the first failure of a run and the recovery. */
    private <T> T guarded(String what, Supplier<T> call) {
        try {
            T result = call.get();
            if (!reachable) {
                reachable = true;
                LOG.info("Node {} reaches the store again; leaders judge absences only from now on", self.id());
            }
            return result;
        } catch (RuntimeException e) {
            sawFailure = true;
            if (reachable) {
                reachable = false;
                LOG.warn("Node {} failed to {} ({}); it keeps its running jobs and retries every period. No node is "
                        + "declared dead for the time the store was away", self.id(), what, e.toString());
            }
            throw e;
        }
    }

    private static void quietly(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.debug("Cluster step failed; it runs again next period", e);
        }
    }
}
