package io.bulwark.jdbc.internal.pipeline;

import io.bulwark.core.tracing.PlannedSpan;
import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.pipeline.store.NewRun;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.RunPhase;
import io.bulwark.pipeline.store.RunQuery;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code pipeline_runs} table: one row per run, its phase moved by conditional UPDATEs (from
 * RUNNING only, or from FAILED for a retry), so concurrent callers queue on the row and only the
 * first finds it as it expects.
 */
final class RunRows {

    static final String TABLE = "pipeline_runs";
    private static final List<String> INSERTED = List.of("id", "pipeline", "version", "phase", "input",
            "idempotency_key", "generation", "created_at", "traceparent", "parent_span_id");
    private static final String COLUMNS = "id, pipeline, version, phase, input, idempotency_key, generation, "
            + "failed_step, error, created_at, finished_at, traceparent, parent_span_id";

    private RunRows() {
    }

    /**
     * Inserts {@code run} RUNNING at generation 0, now; false, changing nothing, when its id or its
     * idempotency key (for its pipeline) is taken. A concurrent start with the same key that has
     * not committed yet is waited for.
     */
    static boolean insert(ClusterTx tx, NewRun run) throws SQLException {
        try (PreparedStatement ps = tx.prepare(tx.dialect().insertUnlessAnyKeyTaken(TABLE, INSERTED))) {
            Columns.setId(tx, ps, 1, run.id());
            ps.setString(2, run.pipeline());
            ps.setInt(3, run.version());
            ps.setString(4, RunPhase.RUNNING.id());
            Columns.setJson(ps, 5, run.input());
            ps.setString(6, run.idempotencyKey());
            ps.setInt(7, 0);
            ps.setLong(8, tx.now());
            setTrace(ps, 9, run.trace());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if (tx.dialect().keyTaken(e)) {
                return false;
            }
            throw e;
        }
    }

    /** The run {@code key} started for {@code pipeline}, if any. */
    static Optional<UUID> byKey(ClusterTx tx, String pipeline, String key) throws SQLException {
        try (PreparedStatement ps = tx.prepare("SELECT id FROM " + tx.table(TABLE) + " WHERE pipeline = ? "
                + "AND idempotency_key = ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Columns.id(tx, rs, 1)) : Optional.empty();
            }
        }
    }

    /** The run {@code id} without its steps. */
    static Optional<PipelineRun> get(ClusterTx tx, UUID id) throws SQLException {
        try (PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM " + tx.table(TABLE) + " WHERE id = ?")) {
            Columns.setId(tx, ps, 1, id);
            List<PipelineRun> found = runs(tx, ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
        }
    }

    /**
     * Whether run {@code id} is RUNNING; when it is, its row stays share-locked until the
     * transaction ends, so no finish, cancel or retry comes between this and the caller's writes.
     */
    static boolean lockRunning(ClusterTx tx, UUID id) throws SQLException {
        try (PreparedStatement ps = tx.prepare("SELECT phase FROM " + tx.table(TABLE) + " WHERE id = ?"
                + tx.dialect().forShare())) {
            Columns.setId(tx, ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && RunPhase.RUNNING.id().equals(rs.getString(1));
            }
        }
    }

    /** Runs matching {@code q}, newest first, without their steps. */
    static List<PipelineRun> list(ClusterTx tx, RunQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM " + tx.table(TABLE) + " WHERE 1 = 1");
        if (q.pipeline() != null) {
            sql.append(" AND pipeline = ?");
        }
        if (q.phase() != null) {
            sql.append(" AND phase = ?");
        }
        if (q.before() != null) {
            sql.append(" AND id < ?");
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        try (PreparedStatement ps = tx.prepare(sql.toString())) {
            int i = 0;
            if (q.pipeline() != null) {
                ps.setString(++i, q.pipeline());
            }
            if (q.phase() != null) {
                ps.setString(++i, q.phase().id());
            }
            if (q.before() != null) {
                Columns.setId(tx, ps, ++i, q.before());
            }
            ps.setInt(++i, q.limit());
            return runs(tx, ps);
        }
    }

    /** Up to {@code max} RUNNING runs, oldest first. */
    static List<UUID> active(ClusterTx tx, int max) throws SQLException {
        try (PreparedStatement ps = tx.prepare("SELECT id FROM " + tx.table(TABLE) + " WHERE phase = ? "
                + "ORDER BY id LIMIT ?")) {
            ps.setString(1, RunPhase.RUNNING.id());
            ps.setInt(2, max);
            List<UUID> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Columns.id(tx, rs, 1));
                }
            }
            return out;
        }
    }

    /** Ends a RUNNING run in phase {@code to}, now; false when it is not RUNNING. */
    static boolean end(ClusterTx tx, UUID id, RunPhase to, String failedStep, String error) throws SQLException {
        try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table(TABLE) + " SET phase = ?, failed_step = ?, "
                + "error = ?, finished_at = ? WHERE id = ? AND phase = ?")) {
            ps.setString(1, to.id());
            ps.setString(2, failedStep);
            ps.setString(3, error);
            ps.setLong(4, tx.now());
            Columns.setId(tx, ps, 5, id);
            ps.setString(6, RunPhase.RUNNING.id());
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * A FAILED run becomes RUNNING at the next generation, its failure forgotten, timed by the span
     * {@code trace} (or none); false when it is not FAILED.
     */
    static boolean restart(ClusterTx tx, UUID id, PlannedSpan trace) throws SQLException {
        try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table(TABLE) + " SET phase = ?, generation = generation "
                + "+ 1, failed_step = NULL, error = NULL, finished_at = NULL, traceparent = ?, parent_span_id = ? "
                + "WHERE id = ? AND phase = ?")) {
            ps.setString(1, RunPhase.RUNNING.id());
            setTrace(ps, 2, trace);
            Columns.setId(tx, ps, 4, id);
            ps.setString(5, RunPhase.FAILED.id());
            return ps.executeUpdate() == 1;
        }
    }

    /** Binds {@code trace} as {@code traceparent} at {@code index} and {@code parent_span_id} after it. */
    private static void setTrace(PreparedStatement ps, int index, PlannedSpan trace) throws SQLException {
        ps.setString(index, trace == null ? null : trace.traceparent());
        ps.setString(index + 1, trace == null ? null : trace.parentSpanId());
    }

    private static List<PipelineRun> runs(ClusterTx tx, PreparedStatement ps) throws SQLException {
        List<PipelineRun> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                UUID id = Columns.id(tx, rs, 1);
                String traceparent = rs.getString(12);
                out.add(new PipelineRun(id, rs.getString(2), rs.getInt(3), phase(id, rs.getString(4)),
                        Columns.json(rs, 5, "the input of run " + id), rs.getString(6), rs.getInt(7), rs.getString(8),
                        rs.getString(9), Instant.ofEpochMilli(rs.getLong(10)), Columns.instant(rs, 11),
                        traceparent == null ? null : new PlannedSpan(traceparent, rs.getString(13)), List.of()));
            }
        }
        return out;
    }

    private static RunPhase phase(UUID id, String stored) {
        try {
            return RunPhase.parse(stored);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("run " + id + " is stored in phase '" + stored + "', which this Bulwark "
                    + "does not know", e);
        }
    }
}
