package io.bulwark.cluster.store;

import io.bulwark.cluster.NodeInfo;
import io.bulwark.cluster.Term;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where the fleet keeps its nodes and its leader. Owned by bulwark-cluster; implemented in memory
 * ({@link InMemoryClusterStore}), by the embedded store (one process) and by PostgreSQL and
 * MariaDB (a fleet). Every implementation passes {@code ClusterStoreContract} in bulwark-test.
 *
 * <h2>Rules every implementation keeps</h2>
 * <ul>
 *   <li><b>Time.</b> The store's clock ({@link #now()}) stamps heartbeats, elections and deaths;
 *       a node's own clock is never compared with another's.</li>
 *   <li><b>One leader.</b> {@link #elect} grants leadership only when no unexpired term is held
 *       by another node, atomically, so two nodes electing at once cannot both win. Each new
 *       tenure gets a term greater than every earlier one; renewing keeps the term.</li>
 *   <li><b>Fencing.</b> A leader-only write ({@link #markDead}, {@link #forgetDead}) checks, in
 *       the same transaction as the write, that its term is current and unexpired, and changes
 *       nothing otherwise ({@link NotLeaderException}).</li>
 *   <li><b>History.</b> Every term is recorded with its holder, election time and the last
 *       {@code until} it was renewed to, so that a test (or an operator) can check that tenures
 *       never overlapped.</li>
 * </ul>
 */
public interface ClusterStore extends AutoCloseable {

    /** The store's clock. */
    Instant now();

    /** Records {@code node} as joined, with a heartbeat now; replaces an earlier row with its id. */
    void register(NodeInfo node);

    /**
     * Records a heartbeat of {@code nodeId}, with what it runs now.
     *
     * @return the store's time, and whether the node is still known (not declared dead)
     */
    Beat heartbeat(String nodeId, int inFlight, List<String> queues, boolean draining);

    /** Removes the node's row: it left on purpose. Unknown ids are ignored. */
    void deregister(String nodeId);

    /** Every node the store knows, live and dead, ordered by id. */
    List<NodeRow> nodes();

    /** Asks a node to drain; it learns at its next heartbeat. False when no live node has that id. */
    boolean requestDrain(String nodeId);

    /**
     * Declares nodes dead, as the leader of {@code term}: stamps each live one in {@code nodeIds}
     * dead now. Nodes already dead or unknown are skipped.
     *
     * @return the store's time of the declaration (use it to rescue what they had claimed before it)
     * @throws NotLeaderException when {@code term} is not the current, unexpired term; nothing changed
     */
    Instant markDead(Collection<String> nodeIds, Term term);

    /**
     * Removes dead nodes declared before {@code deadBefore}, as the leader of {@code term}.
     *
     * @return how many were removed
     * @throws NotLeaderException when {@code term} is not the current, unexpired term
     */
    int forgetDead(Instant deadBefore, Term term);

    /**
     * Becomes or stays leader: when no unexpired term is held by another node, {@code nodeId} gets
     * a new term (or keeps its own, renewed) lasting {@code ttl} from now.
     *
     * @return the term held by {@code nodeId}, or empty when another node leads
     */
    Optional<Term> elect(String nodeId, Duration ttl);

    /** Gives up {@code term} at once, if it is still current, so another node can be elected now. */
    void resign(Term term);

    /** The current unexpired term, if any node leads. */
    Optional<Term> leader();

    /**
     * The most recent terms, newest first, up to {@code max}; each with the last {@code until} it
     * was renewed to (or the time it resigned).
     */
    List<Term> terms(int max);

    @Override
    void close();
}
