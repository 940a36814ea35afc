package io.bulwark.cli.fleet;

import io.bulwark.cli.ChildJvm;
import io.bulwark.jdbc.internal.JobRows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

/**
 * A fleet of {@code bulwark serve} and {@code bulwark worker} child processes of
 * {@code target/bulwark.jar} on one store, each with its own data directory under {@code root}
 * (a data directory is locked by one process). Heartbeats every {@link #HEARTBEAT}, access logs
 * off, 50 ms polls.
 *
 * <pre>{@code
 * try (Fleet fleet = new Fleet(tempDir, List.of("--store.url=" + pg.url(), "--store.user=" + pg.user()))) {
 *     FleetNode api = fleet.serve("api", "--node.role=api");
 *     List<FleetNode> workers = fleet.workers(3, 8);
 *     fleet.api().enqueue(JobMix.noopsAndSleeps(1000, 42));
 *     workers.get(1).kill9();
 * }
 * }</pre>
 */
public final class Fleet implements AutoCloseable {

    /** The heartbeat period every node runs with; the leader's lease lasts one period. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /** How long a child JVM may take to print its ready line on a busy 2-core machine. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path root;
    private final List<String> store;
    private final List<FleetNode> nodes = new CopyOnWriteArrayList<>();
    private int started;

    /**
     * @param root where each node's data directory is made
     * @param store the flags naming the shared store ({@code --store.url=...}, {@code --store.user=...})
     */
    public Fleet(Path root, List<String> store) {
        this.root = root;
        this.store = List.copyOf(store);
    }

    /** Starts a {@code bulwark serve} node named {@code name} and waits until it is ready. */
    public FleetNode serve(String name, String... flags) throws IOException {
        return launch(FleetNode.Kind.SERVE, name, List.of(flags)).awaitReady(START_TIMEOUT);
    }

    /** Starts a {@code bulwark worker} with {@code --concurrency concurrency} and waits until it is ready. */
    public FleetNode worker(String name, int concurrency, String... flags) throws IOException {
        return launch(FleetNode.Kind.WORKER, name, workerFlags(concurrency, flags)).awaitReady(START_TIMEOUT);
    }

    /** Starts {@code count} workers {@code w1..wN} at once and waits until all are ready. */
    public List<FleetNode> workers(int count, int concurrency, String... flags) throws IOException {
        List<FleetNode> launched = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            launched.add(launch(FleetNode.Kind.WORKER, "w" + i, workerFlags(concurrency, flags)));
        }
        launched.forEach(n -> n.awaitReady(START_TIMEOUT));
        return launched;
    }

    /** Starts a {@code bulwark serve} without waiting; see {@link #awaitReady}. */
    public FleetNode launchServe(String name, String... flags) throws IOException {
        return launch(FleetNode.Kind.SERVE, name, List.of(flags));
    }

    /** Starts a {@code bulwark worker} without waiting; see {@link #awaitReady}. */
    public FleetNode launchWorker(String name, int concurrency, String... flags) throws IOException {
        return launch(FleetNode.Kind.WORKER, name, workerFlags(concurrency, flags));
    }

    /** Waits until every node launched so far is ready. */
    public void awaitReady() {
        nodes.forEach(n -> n.awaitReady(START_TIMEOUT));
    }

    private static List<String> workerFlags(int concurrency, String... flags) {
        List<String> all = new ArrayList<>(List.of("--concurrency", String.valueOf(concurrency)));
        all.addAll(List.of(flags));
        return all;
    }

    private FleetNode launch(FleetNode.Kind kind, String name, List<String> flags) throws IOException {
        Path dataDir = Files.createDirectories(root.resolve("node-" + name + "-" + (++started)));
        List<String> cmd = ChildJvm.bulwark(kind.command, "--port", "0", "--data-dir", dataDir.toString(), "--node.name=" + name, "--log.access=false",
                "--cluster.heartbeat=" + HEARTBEAT.toMillis() + "ms", "--jobs.pollInterval=50ms");
        cmd.addAll(store);
        cmd.addAll(flags);
        FleetNode node = FleetNode.launch(name, kind, dataDir, cmd);
        nodes.add(node);
        return node;
    }

    /** The API of the first serve node. */
    public FleetApi api() {
        return new FleetApi(nodes.stream().filter(n -> n.kind() == FleetNode.Kind.SERVE).findFirst()
                .orElseThrow(() -> new IllegalStateException("the fleet has no serve node")).url());
    }

    /** Every node started, in order, dead or alive. */
    public List<FleetNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The nodes whose process still runs. */
    public List<FleetNode> alive() {
        return nodes.stream().filter(FleetNode::isAlive).toList();
    }

    /** The node that registered as {@code id}. */
    public FleetNode byId(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node of this fleet has the id " + id + "; ids: "
                        + nodes.stream().map(FleetNode::id).toList()));
    }

    /** The sum of one metric over every live node (see {@link Metrics#sum}). */
    public double sumOverAlive(String metric, String... labelPairs) {
        return alive().stream().mapToDouble(n -> {
            try {
                return n.metrics().sum(metric, labelPairs);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }).sum();
    }

    /**
     * The ids of the jobs the store shows {@code node} running, read straight from the fleet's
     * database (the API does not say which node runs a job).
     */
    public Set<String> runningOn(String node) throws SQLException {
        try (Connection c = DriverManager.getConnection(flag("--store.url="), flag("--store.user="), null);
             PreparedStatement ps = c.prepareStatement("SELECT id FROM bulwark_jobs WHERE state = 'running' AND node = ?")) {
            ps.setString(1, node);
            Set<String> ids = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // PostgreSQL keeps a uuid, MariaDB 16 bytes.
                    Object id = rs.getObject(1);
                    ids.add(id instanceof byte[] b ? JobRows.uuid(b).toString() : id.toString());
                }
            }
            return ids;
        }
    }

    private String flag(String prefix) {
        return store.stream().filter(f -> f.startsWith(prefix)).map(f -> f.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the store flags " + store + " have no " + prefix));
    }

    /** Kills every process still running (SIGKILL). */
    @Override
    public void close() {
        IntStream.range(0, nodes.size()).map(i -> nodes.size() - 1 - i).mapToObj(nodes::get).forEach(FleetNode::destroy);
    }
}
