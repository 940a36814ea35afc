package io.bulwark.messaging.kafka;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a member knows about one partition it owns, and what it commits for it.
 *
 * <p>Design notes. Kafka keeps one offset per group and partition: everything before it is done.
 * Messages are handled concurrently and finish out of order, so the committed offset is the
 * lowest offset not done yet (the <em>commit point</em>): never past a message fetched and not
 * finished, whether it is being handled, waiting for its delay, or fetched and not handed out.
 * What lies beyond that point rides along in the commit's metadata, so that a member that takes
 * the partition over (after a rebalance, a crash or a restart) knows it too:
 * <ul>
 *   <li>offsets already done (acknowledged, retried or dead-lettered): skipped, not delivered
 *       again, though the commit point could not pass them;</li>
 *   <li>how many times each unfinished offset was handed to a handler: a member that died
 *       handling a message leaves its count behind, so the next delivery says it is a redelivery.
 *       The count is committed before the handler gets the message ({@link #handOut} then a
 *       commit, by the caller), so it is never short.</li>
 * </ul>
 * The metadata is a few runs ({@code b1;0+5=d;7+1=2}: from the commit point, 5 offsets done, then
 * at +7 one offset handed out twice), at most {@value #MAX_METADATA} characters (Kafka's default
 * limit is 4096); past that the highest runs are left out, which can only cause a duplicate
 * delivery or a count too low, never a loss.
 *
 * <p>Only the member's consumer thread uses an instance.
 */
final class Progress {

    static final int MAX_METADATA = 3000;
    private static final String VERSION = "b1";

    enum State { WAITING, OUT, DONE }

    /** @param handedOut how many times a handler got the message, this one included when {@code OUT} */
    record Mark(State state, int handedOut) {
    }

    private final TreeMap<Long, Mark> marks = new TreeMap<>();
    /** The offset committed last (what a new owner starts from), or -1 while the group has none. */
    private long committed;
    private String committedMetadata;
    /** The offset after the last one fetched, or -1 before the first. */
    private long next = -1;

    private Progress(long committed, String metadata) {
        this.committed = committed;
        this.committedMetadata = metadata;
    }

    /** A partition just assigned, from what the group committed for it (null: nothing yet). */
    static Progress of(OffsetAndMetadata om) {
        if (om == null) {
            return new Progress(-1, "");
        }
        Progress p = new Progress(om.offset(), om.metadata() == null ? "" : om.metadata());
        p.decode(om.offset(), p.committedMetadata);
        return p;
    }

    /**
     * A record at {@code offset} was fetched: how many times it was handed out before, or -1 when it
     * is done already (and is skipped). It waits until {@link #handOut}.
     */
    int fetched(long offset) {
        if (committed < 0) {
            committed = offset; // the group's first record of this partition
            committedMetadata = "";
        }
        next = Math.max(next, offset + 1);
        if (offset < committed) {
            return -1;
        }
        Mark m = marks.get(offset);
        if (m != null && m.state == State.DONE) {
            return -1;
        }
        int before = m == null ? 0 : m.handedOut;
        marks.put(offset, new Mark(State.WAITING, before));
        return before;
    }

    /** Hands the waiting record at {@code offset} to a handler: returns how many times it was handed out before. */
    int handOut(long offset) {
        Mark m = marks.get(offset);
        int before = m == null ? 0 : m.handedOut;
        marks.put(offset, new Mark(State.OUT, before + 1));
        return before;
    }

    /** The hand-out did not happen after all (its count could not be committed, or it is given back unhandled). */
    void takeBack(long offset) {
        Mark m = marks.get(offset);
        if (m != null && m.state == State.OUT) {
            marks.put(offset, new Mark(State.WAITING, m.handedOut - 1));
        }
    }

    /** Its handler is done with it but it is not finished (its retry could not be written): waits, keeping its count. */
    void park(long offset) {
        Mark m = marks.get(offset);
        if (m != null && m.state == State.OUT) {
            marks.put(offset, new Mark(State.WAITING, m.handedOut));
        }
    }

    /** The message at {@code offset} is finished: acknowledged, retried elsewhere or dead-lettered. */
    void done(long offset) {
        if (offset >= committed) {
            marks.put(offset, new Mark(State.DONE, 0));
        }
    }

    /** The lowest offset not done: everything before it is. */
    long commitPoint() {
        if (next < 0) {
            return committed;
        }
        for (Map.Entry<Long, Mark> e : marks.entrySet()) {
            if (e.getKey() >= next) {
                break;
            }
            if (e.getValue().state != State.DONE) {
                return e.getKey();
            }
        }
        return Math.max(committed, next);
    }

    /** What to commit now, or null when nothing changed since the last commit. */
    OffsetAndMetadata toCommit() {
        if (committed < 0) {
            return null;
        }
        long point = commitPoint();
        String metadata = encode(point);
        if (point == committed && metadata.equals(committedMetadata)) {
            return null;
        }
        return new OffsetAndMetadata(point, metadata);
    }

    /** {@code om} (from {@link #toCommit}) is committed. */
    void committed(OffsetAndMetadata om) {
        committed = om.offset();
        committedMetadata = om.metadata();
        marks.headMap(committed).clear();
    }

    /** Messages from the commit point to {@code end} (the partition's end offset) not finished yet, as far as known. */
    long unfinished(long end) {
        long point = commitPoint();
        if (point < 0 || end <= point) {
            return 0;
        }
        long done = marks.subMap(point, end).values().stream().filter(m -> m.state == State.DONE).count();
        return end - point - done;
    }

    /** True while a handler has one of its messages. */
    boolean handling() {
        return marks.values().stream().anyMatch(m -> m.state == State.OUT);
    }

    Mark mark(long offset) {
        return marks.get(offset);
    }

    String encode(long point) {
        List<String> runs = new ArrayList<>();
        long start = -1;
        long last = -1;
        String code = null;
        for (Map.Entry<Long, Mark> e : marks.tailMap(point).entrySet()) {
            String c = code(e.getValue());
            long o = e.getKey();
            if (c != null && c.equals(code) && o == last + 1) {
                last = o;
                continue;
            }
            if (code != null) {
                runs.add((start - point) + "+" + (last - start + 1) + "=" + code);
            }
            code = c;
            start = o;
            last = o;
        }
        if (code != null) {
            runs.add((start - point) + "+" + (last - start + 1) + "=" + code);
        }
        StringBuilder out = new StringBuilder(VERSION);
        for (String r : runs) {
            if (out.length() + r.length() + 1 > MAX_METADATA) {
                break;
            }
            out.append(';').append(r);
        }
        return runs.isEmpty() ? "" : out.toString();
    }

    /** The code of a mark: {@code d} done, a count handed out, or null for nothing worth keeping. */
    private static String code(Mark m) {
        if (m.state == State.DONE) {
            return "d";
        }
        return m.handedOut > 0 ? Integer.toString(m.handedOut) : null;
    }

    /** Reads what {@link #encode} wrote; anything else (another tool's metadata) is ignored. */
    private void decode(long point, String metadata) {
        if (!metadata.startsWith(VERSION + ";")) {
            return;
        }
        TreeMap<Long, Mark> read = new TreeMap<>();
        try {
            for (String run : metadata.substring(VERSION.length() + 1).split(";")) {
                int plus = run.indexOf('+');
                int eq = run.indexOf('=');
                long start = point + Long.parseLong(run.substring(0, plus));
                long length = Long.parseLong(run.substring(plus + 1, eq));
                String c = run.substring(eq + 1);
                Mark m = c.equals("d") ? new Mark(State.DONE, 0) : new Mark(State.WAITING, Integer.parseInt(c));
                if (length < 1 || length > 1_000_000 || m.handedOut < 0) {
                    return;
                }
                for (long o = start; o < start + length; o++) {
                    read.put(o, m);
                }
            }
        } catch (RuntimeException e) {
            return;
        }
        marks.putAll(read);
    }
}
