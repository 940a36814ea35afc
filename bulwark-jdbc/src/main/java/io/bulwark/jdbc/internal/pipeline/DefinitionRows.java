package io.bulwark.jdbc.internal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.pipeline.PipelineDefinition;
import io.bulwark.pipeline.PipelineDefinitions;
import io.bulwark.pipeline.PipelineFormat;
import io.bulwark.pipeline.store.InMemoryPipelineStore;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.pipeline.store.StoredPipeline;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code pipelines} table: one row per version of a pipeline, its definition kept as canonical
 * JSON, never changed once written.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Register</b> reads the latest version, compares content (the canonical JSON without the
 *       version, as {@link InMemoryPipelineStore#content} decides), and inserts the next version
 *       unless its key {@code (id, version)} is taken. A taken key means a concurrent registration
 *       committed that version first (the insert waits for it): the latest is read again, so a
 *       registration of the same content returns that version and one of other content takes the
 *       one after it. Each round sees a greater version, so the loop ends; {@link #ROUNDS} only
 *       bounds a store under a storm of registrations.</li>
 *   <li>No lock is taken on the latest row: there may be none yet, and the key alone decides.</li>
 * </ul>
 */
final class DefinitionRows {

    static final String TABLE = "pipelines";
    private static final String COLUMNS = "id, version, definition, registered_at";
    private static final int ROUNDS = 64;

    private DefinitionRows() {
    }

    static PipelineStore.Registered register(ClusterTx tx, PipelineDefinition definition) throws SQLException {
        JsonNode wanted = InMemoryPipelineStore.content(definition);
        for (int round = 0; round < ROUNDS; round++) {
            Optional<StoredPipeline> latest = latest(tx, definition.id());
            if (latest.isPresent() && InMemoryPipelineStore.content(latest.get().definition()).equals(wanted)) {
                return new PipelineStore.Registered(latest.get(), false);
            }
            int next = latest.map(p -> p.version() + 1).orElse(1);
            PipelineDefinition versioned = new PipelineDefinition(definition.id(), next, definition.inputSchema(),
                    definition.steps());
            if (insert(tx, versioned)) {
                return new PipelineStore.Registered(new StoredPipeline(versioned, Instant.ofEpochMilli(tx.now())), true);
            }
        }
        throw new SQLException("pipeline '" + definition.id() + "' met " + ROUNDS + " concurrent registrations in a row "
                + "and could not take a version; the registration runs again", "40001");
    }

    private static boolean insert(ClusterTx tx, PipelineDefinition d) throws SQLException {
        try (PreparedStatement ps = tx.prepare(tx.dialect().insertUnlessKeyTaken(TABLE, "id, version",
                List.of("id", "version", "definition", "registered_at")))) {
            ps.setString(1, d.id());
            ps.setInt(2, d.version());
            ps.setString(3, PipelineDefinitions.toJson(d));
            ps.setLong(4, tx.now());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if (tx.dialect().keyTaken(e)) {
                return false;
            }
            throw e;
        }
    }

    static Optional<StoredPipeline> latest(ClusterTx tx, String id) throws SQLException {
        try (PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM " + tx.table(TABLE) + " WHERE id = ? "
                + "ORDER BY version DESC LIMIT 1")) {
            ps.setString(1, id);
            return first(ps);
        }
    }

    static Optional<StoredPipeline> version(ClusterTx tx, String id, int version) throws SQLException {
        try (PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM " + tx.table(TABLE) + " WHERE id = ? "
                + "AND version = ?")) {
            ps.setString(1, id);
            ps.setInt(2, version);
            return first(ps);
        }
    }

    /** Every version of {@code id}, oldest first. */
    static List<StoredPipeline> versions(ClusterTx tx, String id) throws SQLException {
        try (PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM " + tx.table(TABLE) + " WHERE id = ? "
                + "ORDER BY version")) {
            ps.setString(1, id);
            return all(ps);
        }
    }

    /** The latest version of every pipeline, by id. */
    static List<StoredPipeline> latestOfEach(ClusterTx tx) throws SQLException {
        String t = tx.table(TABLE);
        try (PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM " + t + " p WHERE version = "
                + "(SELECT max(version) FROM " + t + " q WHERE q.id = p.id) ORDER BY id")) {
            return all(ps);
        }
    }

    private static Optional<StoredPipeline> first(PreparedStatement ps) throws SQLException {
        List<StoredPipeline> found = all(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    private static List<StoredPipeline> all(PreparedStatement ps) throws SQLException {
        List<StoredPipeline> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    private static StoredPipeline row(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        int version = rs.getInt(2);
        PipelineDefinition d;
        try {
            d = PipelineDefinitions.parse(rs.getString(3), PipelineFormat.JSON);
        } catch (RuntimeException e) {
            throw new IllegalStateException("version " + version + " of pipeline '" + id + "' is stored with a "
                    + "definition this Bulwark cannot read (" + e.getMessage() + "); register it again", e);
        }
        // The row's key is the truth; the JSON carries the same id and version unless edited by hand.
        return new StoredPipeline(new PipelineDefinition(id, version, d.inputSchema(), d.steps()),
                Instant.ofEpochMilli(rs.getLong(4)));
    }
}
