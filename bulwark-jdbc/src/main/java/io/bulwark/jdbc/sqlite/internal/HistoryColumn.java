package io.bulwark.jdbc.sqlite.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.bulwark.core.json.Json;
import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.Transition;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the embedded store's {@code jobs.history} column (schema version 9): a JSON array with one
 * {@code [at, from, to, reason, node, attempt]} array per transition, oldest first. Reading the
 * column with the job's row saves a second query through the {@code job_history} view, whose
 * {@code json_each} expansion was an eighth of the writer thread's time in a run of no-op jobs.
 */
public final class HistoryColumn {

    /** {@link JobRows#COLUMNS} and then the history column, which is column {@value #INDEX}. */
    public static final String COLUMNS = JobRows.COLUMNS + ", history";

    public static final int INDEX = 25;

    /** One job by id ({@code ?}), with its history. */
    public static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM jobs WHERE id = ?";

    private HistoryColumn() {
    }

    /** The job at the cursor of a statement selecting {@link #COLUMNS}, with its history. */
    public static Job job(ResultSet rs) throws SQLException {
        return JobRows.job(rs).withHistory(read(rs.getString(INDEX)));
    }

    /** The transitions the column holds, oldest first. */
    public static List<Transition> read(String json) {
        try (JsonParser p = Json.mapper().getFactory().createParser(json)) {
            expect(p.nextToken(), JsonToken.START_ARRAY, json);
            List<Transition> out = new ArrayList<>(4);
            while (p.nextToken() == JsonToken.START_ARRAY) {
                expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT, json);
                long at = p.getLongValue();
                String from = text(p);
                String to = text(p);
                String reason = text(p);
                String node = text(p);
                expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT, json);
                int attempt = p.getIntValue();
                expect(p.nextToken(), JsonToken.END_ARRAY, json);
                if (to == null) {
                    throw malformed(json);
                }
                out.add(new Transition(Instant.ofEpochMilli(at), from == null ? null : JobRows.state(from),
                        JobRows.state(to), reason, node, attempt));
            }
            expect(p.currentToken(), JsonToken.END_ARRAY, json);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("a job's history in the database is not a JSON array of transitions: "
                    + e.getMessage(), e);
        }
    }

    private static String text(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new IllegalStateException("a job's history in the database holds " + t + " where text or null belongs");
        }
        return p.getText();
    }

    private static void expect(JsonToken actual, JsonToken expected, String json) {
        if (actual != expected) {
            throw malformed(json);
        }
    }

    private static IllegalStateException malformed(String json) {
        return new IllegalStateException("a job's history in the database is not a JSON array of "
                + "[at, from, to, reason, node, attempt] arrays: "
                + (json.length() > 200 ? json.substring(0, 200) + "..." : json));
    }
}
