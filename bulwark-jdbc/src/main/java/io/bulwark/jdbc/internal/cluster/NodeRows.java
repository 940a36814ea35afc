package io.bulwark.jdbc.internal.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.bulwark.cluster.NodeInfo;
import io.bulwark.cluster.NodeRole;
import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.Beat;
import io.bulwark.cluster.store.NodeRow;
import io.bulwark.core.json.Json;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The node registry on a JDBC store ({@code nodes}): one row per node id, stamped with the store's
 * time. A row declared dead ({@code dead_at} set) refuses heartbeats and drain requests until the
 * node registers again, which replaces the row.
 */
public final class NodeRows {

    private static final List<String> COLUMNS = List.of("id", "name", "role", "version", "started_at",
            "joined_queues", "capacity", "last_heartbeat", "in_flight", "queues", "draining", "drain_requested",
            "dead_at");
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    private NodeRows() {
    }

    /** Inserts or replaces the node's row: a heartbeat now, nothing running, no drain, alive. */
    public static void register(ClusterTx tx, NodeInfo n) throws SQLException {
        try (PreparedStatement ps = tx.prepare(tx.dialect().upsert("nodes", "id", COLUMNS))) {
            ps.setString(1, n.id());
            ps.setString(2, n.name());
            ps.setString(3, n.role().id());
            ps.setString(4, n.version());
            ps.setLong(5, n.startedAt().toEpochMilli());
            ps.setString(6, json(n.queues()));
            ps.setInt(7, n.capacity());
            ps.setLong(8, tx.now());
            ps.setInt(9, 0);
            ps.setString(10, json(n.queues()));
            ps.setBoolean(11, false);
            ps.setBoolean(12, false);
            ps.setNull(13, java.sql.Types.BIGINT);
            ps.executeUpdate();
        }
    }

    /** Stamps a live node's heartbeat; a dead or unknown one is not known and nothing changes. */
    public static Beat heartbeat(ClusterTx tx, String id, int inFlight, List<String> queues, boolean draining)
            throws SQLException {
        Instant now = Instant.ofEpochMilli(tx.now());
        try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table("nodes") + " SET last_heartbeat = ?, in_flight = ?, "
                + "queues = ?, draining = ? WHERE id = ? AND dead_at IS NULL")) {
            ps.setLong(1, tx.now());
            ps.setInt(2, inFlight);
            ps.setString(3, json(queues));
            ps.setBoolean(4, draining);
            ps.setString(5, id);
            if (ps.executeUpdate() == 0) {
                return new Beat(now, false, false);
            }
        }
        try (PreparedStatement ps = tx.prepare("SELECT drain_requested FROM " + tx.table("nodes") + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return new Beat(now, true, rs.next() && rs.getBoolean(1));
            }
        }
    }

    /** Deletes the node's row, live or dead; an unknown id changes nothing. */
    public static void deregister(ClusterTx tx, String id) throws SQLException {
        try (PreparedStatement ps = tx.prepare("DELETE FROM " + tx.table("nodes") + " WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    /** Every row, live and dead, by id as Java orders strings (whatever the database's collation). */
    public static List<NodeRow> nodes(ClusterTx tx) throws SQLException {
        List<NodeRow> out = new ArrayList<>();
        try (PreparedStatement ps = tx.prepare("SELECT " + String.join(", ", COLUMNS) + " FROM " + tx.table("nodes"));
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                NodeInfo info = new NodeInfo(rs.getString(1), rs.getString(2), NodeRole.of(rs.getString(3)),
                        rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), strings(rs.getString(6)), rs.getInt(7));
                long deadMs = rs.getLong(13);
                Instant deadAt = rs.wasNull() ? null : Instant.ofEpochMilli(deadMs);
                out.add(new NodeRow(info, Instant.ofEpochMilli(rs.getLong(8)), rs.getInt(9), strings(rs.getString(10)),
                        rs.getBoolean(11), rs.getBoolean(12), deadAt));
            }
        }
        out.sort(Comparator.comparing(NodeRow::id));
        return out;
    }

    /** Flags a live node to drain; false when no live row has the id. */
    public static boolean requestDrain(ClusterTx tx, String id) throws SQLException {
        try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table("nodes") + " SET drain_requested = ? "
                + "WHERE id = ? AND dead_at IS NULL")) {
            ps.setBoolean(1, true);
            ps.setString(2, id);
            return ps.executeUpdate() > 0;
        }
    }

    /** Declares the live ones of {@code ids} dead now, fenced by {@code term}; returns now. */
    public static Instant markDead(ClusterTx tx, Collection<String> ids, Term term) throws SQLException {
        LeaderRows.requireCurrent(tx, term);
        if (!ids.isEmpty()) {
            try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table("nodes") + " SET dead_at = ? "
                    + "WHERE id = ? AND dead_at IS NULL")) {
                for (String id : ids) {
                    ps.setLong(1, tx.now());
                    ps.setString(2, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return Instant.ofEpochMilli(tx.now());
    }

    /** Deletes the rows declared dead before {@code deadBefore}, fenced by {@code term}. */
    public static int forgetDead(ClusterTx tx, Instant deadBefore, Term term) throws SQLException {
        LeaderRows.requireCurrent(tx, term);
        try (PreparedStatement ps = tx.prepare("DELETE FROM " + tx.table("nodes")
                + " WHERE dead_at IS NOT NULL AND dead_at < ?")) {
            // Rows keep milliseconds: a row at deadBefore's millisecond is before it when deadBefore has more.
            long ms = deadBefore.toEpochMilli() + (deadBefore.getNano() % 1_000_000 == 0 ? 0 : 1);
            ps.setLong(1, ms);
            return ps.executeUpdate();
        }
    }

    private static String json(List<String> queues) {
        try {
            return Json.mapper().writeValueAsString(queues);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("queues cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static List<String> strings(String json) throws SQLException {
        try {
            return Json.mapper().readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new SQLException("a node's queues are not a JSON array of strings: " + e.getOriginalMessage(), e);
        }
    }
}
