package io.bulwark.jdbc.internal.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.json.Json;
import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jdbc.internal.cluster.ClusterDialect;
import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.pipeline.StepInstance;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.UUID;

/**
 * How the pipeline tables' values are written and read, the same way on every dialect but for run
 * ids: a native uuid on PostgreSQL, 16 big-endian bytes elsewhere (as the jobs tables keep theirs),
 * so that id order is a UUIDv7's creation order everywhere. JSON values are kept as their compact
 * text, a Java null as SQL NULL and a JSON null as {@code null}, so both come back as they went in.
 */
final class Columns {

    /** The {@code idx} of an instance that is the step as a whole (no branch index). */
    static final int WHOLE_STEP = -1;

    private Columns() {
    }

    static void setId(ClusterTx tx, PreparedStatement ps, int index, UUID id) throws SQLException {
        if (tx.dialect() == ClusterDialect.POSTGRESQL) {
            ps.setObject(index, id);
        } else {
            ps.setBytes(index, JobRows.bytes(id));
        }
    }

    static UUID id(ClusterTx tx, ResultSet rs, int column) throws SQLException {
        return tx.dialect() == ClusterDialect.POSTGRESQL ? rs.getObject(column, UUID.class)
                : JobRows.uuid(rs.getBytes(column));
    }

    static void setJson(PreparedStatement ps, int index, JsonNode value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            try {
                ps.setString(index, Json.mapper().writeValueAsString(value));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("a JSON value could not be written: " + e.getOriginalMessage(), e);
            }
        }
    }

    /**
     * The JSON in {@code column}, or null.
     *
     * @param what names the value in the message should the text not be JSON (a row changed by hand)
     */
    static JsonNode json(ResultSet rs, int column, String what) throws SQLException {
        String text = rs.getString(column);
        if (text == null) {
            return null;
        }
        try {
            return Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(what + " is stored as text that is not JSON (" + e.getOriginalMessage()
                    + ")", e);
        }
    }

    static void setInstant(PreparedStatement ps, int index, Instant at) throws SQLException {
        if (at == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, at.toEpochMilli());
        }
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        long ms = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
    }

    static int idx(StepInstance instance) {
        return instance.index() == null ? WHOLE_STEP : instance.index();
    }

    static StepInstance instance(String step, int idx) {
        return idx == WHOLE_STEP ? StepInstance.of(step) : StepInstance.branch(step, idx);
    }

    /** {@code instance} as {@link StepInstance#toString()} writes it: {@code step} or {@code step[3]}; null for null. */
    static String text(StepInstance instance) {
        return instance == null ? null : instance.toString();
    }

    /** The instance written by {@link #text}; step ids hold no '[' (see {@code Ids.ID}). */
    static StepInstance parseInstance(String text) {
        if (text == null) {
            return null;
        }
        try {
            return StepInstance.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("a step instance is stored as '" + text + "', not as step or step[index]", e);
        }
    }
}
