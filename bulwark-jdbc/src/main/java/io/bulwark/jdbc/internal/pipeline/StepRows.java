package io.bulwark.jdbc.internal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.StepStatus;
import io.bulwark.pipeline.store.StepRecord;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The {@code pipeline_steps} table: one row per step instance of a run, keyed by
 * {@code (run, step, idx)} with {@code idx} -1 for the step as a whole. The key is what records an
 * instance once however many nodes advance the run; a conditional UPDATE from {@code running} is
 * what ends it once.
 */
final class StepRows {

    static final String TABLE = "pipeline_steps";
    private static final List<String> COLUMNS = List.of("run", "step", "idx", "status", "job_id", "input", "output",
            "error", "attempts", "stands_for", "started_at", "finished_at");
    private static final String SELECT = "SELECT step, idx, status, job_id, input, output, error, attempts, "
            + "stands_for, started_at, finished_at FROM ";

    private StepRows() {
    }

    /** Inserts {@code s}; false, changing nothing, when the run has the instance already. */
    static boolean insert(ClusterTx tx, UUID run, StepRecord s) throws SQLException {
        try (PreparedStatement ps = tx.prepare(tx.dialect().insertUnlessKeyTaken(TABLE, "run, step, idx", COLUMNS))) {
            Columns.setId(tx, ps, 1, run);
            ps.setString(2, s.instance().stepId());
            ps.setInt(3, Columns.idx(s.instance()));
            ps.setString(4, status(s.status()));
            ps.setString(5, s.carrier());
            Columns.setJson(ps, 6, s.input());
            Columns.setJson(ps, 7, s.output());
            ps.setString(8, s.error());
            ps.setInt(9, s.attempts());
            ps.setString(10, Columns.text(s.standsFor()));
            Columns.setInstant(ps, 11, s.startedAt());
            Columns.setInstant(ps, 12, s.finishedAt());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if (tx.dialect().keyTaken(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Ends the RUNNING instance as {@code to}, now: COMPLETED keeps {@code output}, FAILED keeps
     * {@code error}. False, changing nothing, when it is not RUNNING (or not there).
     */
    static boolean finish(ClusterTx tx, UUID run, StepInstance instance, StepStatus to, JsonNode output, String error,
                          int attempts) throws SQLException {
        try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table(TABLE) + " SET status = ?, output = ?, error = ?, "
                + "attempts = ?, finished_at = ? WHERE run = ? AND step = ? AND idx = ? AND status = ?")) {
            ps.setString(1, status(to));
            Columns.setJson(ps, 2, to == StepStatus.COMPLETED ? output : null);
            ps.setString(3, to == StepStatus.FAILED ? error : null);
            ps.setInt(4, attempts);
            ps.setLong(5, tx.now());
            Columns.setId(tx, ps, 6, run);
            ps.setString(7, instance.stepId());
            ps.setInt(8, Columns.idx(instance));
            ps.setString(9, status(StepStatus.RUNNING));
            return ps.executeUpdate() == 1;
        }
    }

    /** Deletes the instances of {@code run} that did not complete (a retry); returns how many. */
    static int deleteUncompleted(ClusterTx tx, UUID run) throws SQLException {
        try (PreparedStatement ps = tx.prepare("DELETE FROM " + tx.table(TABLE) + " WHERE run = ? AND status <> ?")) {
            Columns.setId(tx, ps, 1, run);
            ps.setString(2, status(StepStatus.COMPLETED));
            return ps.executeUpdate();
        }
    }

    /** The instances of {@code run}, by step id, the whole step before its branches, then by index. */
    static List<StepRecord> of(ClusterTx tx, UUID run) throws SQLException {
        try (PreparedStatement ps = tx.prepare(SELECT + tx.table(TABLE) + " WHERE run = ? ORDER BY step, idx")) {
            Columns.setId(tx, ps, 1, run);
            List<StepRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StepInstance instance = Columns.instance(rs.getString(1), rs.getInt(2));
                    String what = "step " + instance + " of run " + run;
                    out.add(new StepRecord(instance, status(what, rs.getString(3)), rs.getString(4),
                            Columns.json(rs, 5, "the input of " + what), Columns.json(rs, 6, "the output of " + what),
                            rs.getString(7), rs.getInt(8), Columns.parseInstance(rs.getString(9)),
                            Columns.instant(rs, 10), Columns.instant(rs, 11)));
                }
            }
            return out;
        }
    }

    private static String status(StepStatus s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    private static StepStatus status(String what, String stored) {
        for (StepStatus s : StepStatus.values()) {
            if (status(s).equals(stored)) {
                return s;
            }
        }
        throw new IllegalStateException(what + " is stored with status '" + stored + "', which this Bulwark does not "
                + "know");
    }
}
