package io.bulwark.jdbc.internal;

import io.bulwark.jobs.JobState;
import io.bulwark.jobs.store.QueueCounts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A JDBC store's queue counts, read in two parts that cost differently.
 *
 * <ul>
 *   <li><b>Live</b> jobs (scheduled, available, running, retryable) are read through indexes that
 *       hold only them (PostgreSQL's partial indexes) or ranges of a (queue, state) index, so the
 *       read costs what the backlog holds, however many finished jobs the table keeps.</li>
 *   <li><b>Final</b> jobs (completed, dead, cancelled, expired) can only be counted by reading them
 *       all: with a million of them that is a fifth of a second.</li>
 * </ul>
 *
 * Each part is a {@link Tally}: read afresh while it counts at most {@link #DEAR_ROWS} jobs, and
 * otherwise served from its last reading, refreshed in the background.
 * {@link QueueCounts#countedAt()} says when the older part was read.
 */
public final class StoreCounts {

    /** The states that can still change by themselves, as an SQL IN list. */
    public static final String LIVE = "('scheduled', 'available', 'running', 'retryable')";
    /** The final states, as an SQL IN list. */
    public static final String FINAL = "('completed', 'dead', 'cancelled', 'expired')";

    /**
     * A part that counted more jobs than this is kept between readings: about 10 ms of counting on
     * PostgreSQL, MariaDB or SQLite on a 2-core machine. Below it, every call reads it again.
     */
    public static final long DEAR_ROWS = 50_000;

    /** IN lists of queue names are sent in chunks of this many. */
    private static final int QUEUES_PER_STATEMENT = 500;

    private final Tally<Counted> live;
    private final Tally<Counted> finals;

    /**
     * @param name the store, for the log
     * @param live reads the live states' counts
     * @param finals reads the final states' counts
     */
    public StoreCounts(String name, Supplier<Counted> live, Supplier<Counted> finals, LongSupplier ticker,
                       Executor background) {
        this.live = new Tally<>("live job counts of " + name, live, c -> c.total() > DEAR_ROWS, ticker, background);
        this.finals = new Tally<>("final job counts of " + name, finals, c -> c.total() > DEAR_ROWS, ticker, background);
    }

    /** A virtual thread per refresh. */
    public static Executor background() {
        java.util.concurrent.ThreadFactory threads = Thread.ofVirtual().name("bulwark-counts-", 0).factory();
        return r -> threads.newThread(r).start();
    }

    /** Per queue, in name order, with the oldest available run time and when the counts were read. */
    public List<QueueCounts> get() {
        Counted l = live.get();
        Counted f = finals.get();
        Map<String, Map<JobState, Long>> byQueue = new TreeMap<>();
        for (Counted part : List.of(l, f)) {
            part.byQueue().forEach((q, s) -> byQueue.computeIfAbsent(q, k -> new EnumMap<>(JobState.class)).putAll(s));
        }
        Instant at = l.at().isBefore(f.at()) ? l.at() : f.at();
        List<QueueCounts> out = new ArrayList<>(byQueue.size());
        byQueue.forEach((q, s) -> out.add(new QueueCounts(q, s, l.oldestAvailable().get(q), at)));
        return out;
    }

    /**
     * Runs {@code change} to final jobs made here (a purge, a prune, dead jobs retried), then has
     * them counted again soon, whether or not it finished.
     */
    public <T> T changingFinals(Supplier<T> change) {
        try {
            return change.get();
        } finally {
            finals.changed();
        }
    }

    /**
     * Jobs per queue and state, the oldest available run time per queue, and when they were read.
     */
    public record Counted(Map<String, Map<JobState, Long>> byQueue, Map<String, Instant> oldestAvailable, Instant at) {

        /** How many jobs were counted. */
        public long total() {
            return byQueue.values().stream().flatMap(s -> s.values().stream()).mapToLong(Long::longValue).sum();
        }
    }

    /**
     * The final states' counts of {@code table}: every final row is read, through whatever the
     * database finds cheapest.
     */
    public static Counted finals(Connection c, String table, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT queue, state, count(*), NULL FROM " + table
                + " WHERE state IN " + FINAL + " GROUP BY queue, state")) {
            return read(ps, at);
        }
    }

    /**
     * The live states' counts of the queues {@code names} in {@code table}, whose first index columns must be
     * (queue, state): one range of that index per queue and live state.
     */
    public static Counted live(Connection c, String table, List<String> names, Instant at) throws SQLException {
        return live(c, names, at, queues -> liveSql(table, queues));
    }

    /**
     * The live states' counts of the queues {@code names}, read by the statements {@code sql}
     * makes for a number of queues: rows as {@link #read} takes them, with the queue names as
     * parameters 1 to n.
     */
    public static Counted live(Connection c, List<String> names, Instant at, IntFunction<String> sql)
            throws SQLException {
        Counted out = new Counted(new TreeMap<>(), new HashMap<>(), at);
        for (int from = 0; from < names.size(); from += QUEUES_PER_STATEMENT) {
            List<String> chunk = names.subList(from, Math.min(names.size(), from + QUEUES_PER_STATEMENT));
            try (PreparedStatement ps = c.prepareStatement(sql.apply(chunk.size()))) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                Counted part = read(ps, at);
                out.byQueue().putAll(part.byQueue());
                out.oldestAvailable().putAll(part.oldestAvailable());
            }
        }
        return out;
    }

    /** The live states' counts of {@code queues} queues, named by parameters. */
    public static String liveSql(String table, int queues) {
        return "SELECT queue, state, count(*), min(run_at) FROM " + table + " WHERE queue IN ("
                + String.join(", ", Collections.nCopies(queues, "?")) + ") AND state IN " + LIVE
                + " GROUP BY queue, state";
    }

    /** The queue names of {@code sql}'s first column. */
    public static List<String> queues(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * Reads rows of (queue, state, count, oldest run time); the run time counts only for
     * available jobs.
     */
    public static Counted read(PreparedStatement ps, Instant at) throws SQLException {
        Map<String, Map<JobState, Long>> byQueue = new TreeMap<>();
        Map<String, Instant> oldest = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String queue = rs.getString(1);
                JobState state = JobRows.state(rs.getString(2));
                byQueue.computeIfAbsent(queue, k -> new EnumMap<>(JobState.class)).put(state, rs.getLong(3));
                if (state == JobState.AVAILABLE) {
                    oldest.put(queue, Instant.ofEpochMilli(rs.getLong(4)));
                }
            }
        }
        return new Counted(byQueue, oldest, at);
    }
}
