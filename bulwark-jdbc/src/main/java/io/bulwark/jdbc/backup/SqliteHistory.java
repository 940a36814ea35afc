package io.bulwark.jdbc.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.bulwark.core.json.Json;
import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jdbc.sqlite.internal.Session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * For a restore into the embedded store, whose jobs keep their history in their own row (a JSON
 * array, schema version 9): the history records of one job, which a backup holds together and in
 * order, become one append to that job's row instead of one write per transition. Records of a job
 * that come apart still append in the order they come.
 */
final class SqliteHistory {

    /** Appends the transitions of the array {@code ?2} (its brackets cut off) to job {@code ?1}'s history. */
    private static final String APPEND = "UPDATE jobs SET " + Session.appendHistory("substr(?2, 2, length(?2) - 2)")
            + " WHERE id = ?1";

    private static final int BATCH = 1_000;

    private final PreparedStatement append;
    private UUID job;
    private ArrayNode entries;
    private int pending;

    SqliteHistory(Connection c) throws SQLException {
        this.append = c.prepareStatement(APPEND);
    }

    /** One history record of the backup; its job's row must be in the database by the next flush. */
    void add(JsonNode row) throws SQLException {
        JsonNode id = row.get("job_id");
        if (id == null || id.isNull()) {
            throw new IllegalArgumentException("a history record has no job_id");
        }
        UUID of = UUID.fromString(id.asText());
        if (!of.equals(job)) {
            endJob();
            job = of;
            entries = Json.mapper().createArrayNode();
        }
        ArrayNode entry = entries.addArray();
        entry.add(row.path("at").asLong());
        entry.add(text(row, "from_state"));
        entry.add(text(row, "to_state"));
        entry.add(text(row, "reason"));
        entry.add(text(row, "node"));
        entry.add(row.path("attempt").asInt());
    }

    /** Writes what is left; the statement is closed. */
    void finish() throws SQLException {
        endJob();
        if (pending > 0) {
            append.executeBatch();
            pending = 0;
        }
        append.close();
    }

    private void endJob() throws SQLException {
        if (job == null) {
            return;
        }
        append.setBytes(1, JobRows.bytes(job));
        append.setString(2, entries.toString());
        append.addBatch();
        job = null;
        if (++pending >= BATCH) {
            append.executeBatch();
            pending = 0;
        }
    }

    private static String text(JsonNode row, String field) {
        JsonNode v = row.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
