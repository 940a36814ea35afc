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
 * lowest offset not finished yet (the <em>commit point</em>): never past a message fetched and not
 * finished, whether it is being handled, waiting for its delay, or fetched and not handed out.
 * What lies beyond that point rides along in the commit's metadata, so that a member that takes
 * the partition over (after a rebalance, a crash or a restart) knows it too:
 * <ul>
 *   <li>offsets already finished (acknowledged, retried or dead-lettered): skipped, not delivered
 *       again, though the commit point could not pass them;</li>
 *   <li>how many times each unfinished offset was handed to a handler: a member that died
 *       handling a message leaves its count behind, so the next delivery says it is a redelivery.
 *       The count is committed before the handler gets the message ({@link #handOut}, then a
 *       commit, by the caller), so it is never short.</li>
 * </ul>
 * The metadata is a few runs ({@code b1;0+5=d;7+1=2}: from the commit point, 5 offsets finished,
 * then at +7 one offset handed out twice), at most {@value #MAX_METADATA} characters (Kafka's
 * default limit is 4096); past that the highest runs are left out, which can only cause a
 * duplicate delivery or a count too low, never a loss.
 *
 * <p>Only unfinished offsets are kept, one entry each: every offset fetched (below {@link #next})
 * without an entry is finished, or is no record at all (a gap a compacted or transactional topic
 * has), so memory grows with what is in flight and waiting, not with what was finished behind a
 * long delay. Only the member's consumer thread uses an instance.
 */
final class Progress {

    static final int MAX_METADATA = 3000;
    private static final String VERSION = "b1";

    enum State { WAITING, OUT }

    /** @param handedOut how many times a handler got the message, this one included when {@code OUT} */
    record Mark(State state, int handedOut) {
    }

    /** Unfinished offsets fetched, and counts an earlier owner left for offsets not fetched yet. */
    private final TreeMap<Long, Mark> marks = new TreeMap<>();
    /** Offsets not fetched yet that an earlier owner finished: start → end (exclusive). */
    private final TreeMap<Long, Long> finishedAhead = new TreeMap<>();
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
     * is finished already (and is skipped). It waits until {@link #handOut}.
     */
    int fetched(long offset) {
        if (committed < 0) {
            committed = offset; // the group's first record of this partition
            committedMetadata = "";
        }
        long fetchedBefore = next;
        if (offset > fetchedBefore) {
            // Counts an earlier owner left for offsets the fetch went past are of records no longer
            // there (deleted by retention): dropped, or the commit point would wait on them for ever.
            marks.subMap(Math.max(committed, fetchedBefore), offset).clear();
        }
        next = Math.max(next, offset + 1);
        if (offset < committed || offset < fetchedBefore && !marks.containsKey(offset) || finishedAhead(offset)) {
            return -1;
        }
        Mark m = marks.get(offset);
        int before = m == null ? 0 : m.handedOut;
        marks.put(offset, new Mark(State.WAITING, before));
        return before;
    }

    private boolean finishedAhead(long offset) {
        Map.Entry<Long, Long> range = finishedAhead.floorEntry(offset);
        return range != null && offset < range.getValue();
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
        if (offset < next) {
            marks.remove(offset);
        }
    }

    /** True while a handler has one of its messages. */
    boolean handling() {
        return marks.values().stream().anyMatch(m -> m.state == State.OUT);
    }

    /** The lowest offset not finished: everything before it is. */
    long commitPoint() {
        if (next < 0) {
            return committed;
        }
        Long first = marks.isEmpty() ? null : marks.firstKey();
        return first != null && first < next ? first : Math.max(committed, next);
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
        while (!finishedAhead.isEmpty() && finishedAhead.firstEntry().getValue() <= Math.max(committed, next)) {
            finishedAhead.pollFirstEntry(); // fetched since: known without it
        }
    }

    /** Messages from the commit point to {@code end} (the partition's end offset) not finished yet, as far as known. */
    long unfinished(long end) {
        long point = commitPoint();
        if (point < 0 || end <= point) {
            return 0;
        }
        long known = Math.min(end, Math.max(point, next));
        long open = marks.subMap(point, known).size();
        long finishedBeyond = 0;
        for (Map.Entry<Long, Long> r : finishedAhead.entrySet()) {
            long from = Math.max(r.getKey(), known);
            long to = Math.min(r.getValue(), end);
            finishedBeyond += Math.max(0, to - from);
        }
        return open + (end - known) - finishedBeyond;
    }

    String encode(long point) {
        List<long[]> runs = new ArrayList<>(); // start, length, code (-1 finished, else the count)
        long fetchedTo = Math.max(point, next);
        long cursor = point;
        for (Map.Entry<Long, Mark> e : marks.subMap(point, fetchedTo).entrySet()) {
            long o = e.getKey();
            if (o > cursor) {
                add(runs, cursor, o - cursor, -1);
            }
            if (e.getValue().handedOut > 0) {
                add(runs, o, 1, e.getValue().handedOut);
            }
            cursor = o + 1;
        }
        if (fetchedTo > cursor && next >= 0) {
            add(runs, cursor, fetchedTo - cursor, -1);
        }
        // Beyond what was fetched: what an earlier owner said, kept for whoever comes next.
        TreeMap<Long, long[]> ahead = new TreeMap<>();
        for (Map.Entry<Long, Long> r : finishedAhead.tailMap(fetchedTo, true).entrySet()) {
            ahead.put(r.getKey(), new long[]{r.getKey(), r.getValue() - r.getKey(), -1});
        }
        for (Map.Entry<Long, Mark> e : marks.tailMap(fetchedTo, true).entrySet()) {
            if (e.getValue().handedOut > 0) {
                ahead.put(e.getKey(), new long[]{e.getKey(), 1, e.getValue().handedOut});
            }
        }
        ahead.values().forEach(r -> add(runs, r[0], r[1], r[2]));
        if (runs.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(VERSION);
        for (long[] r : runs) {
            String run = (r[0] - point) + "+" + r[1] + "=" + (r[2] < 0 ? "d" : Long.toString(r[2]));
            if (out.length() + run.length() + 1 > MAX_METADATA) {
                break;
            }
            out.append(';').append(run);
        }
        return out.toString();
    }

    private static void add(List<long[]> runs, long start, long length, long code) {
        long[] last = runs.isEmpty() ? null : runs.getLast();
        if (last != null && last[2] == code && last[0] + last[1] == start) {
            last[1] += length;
        } else {
            runs.add(new long[]{start, length, code});
        }
    }

    /** Reads what {@link #encode} wrote; anything else (another tool's metadata) is ignored. */
    private void decode(long point, String metadata) {
        if (!metadata.startsWith(VERSION + ";")) {
            return;
        }
        TreeMap<Long, Mark> counts = new TreeMap<>();
        TreeMap<Long, Long> finished = new TreeMap<>();
        try {
            for (String run : metadata.substring(VERSION.length() + 1).split(";")) {
                int plus = run.indexOf('+');
                int eq = run.indexOf('=');
                long start = point + Long.parseLong(run.substring(0, plus));
                long length = Long.parseLong(run.substring(plus + 1, eq));
                String c = run.substring(eq + 1);
                if (length < 1 || start < point) {
                    return;
                }
                if (c.equals("d")) {
                    finished.put(start, start + length);
                    continue;
                }
                int n = Integer.parseInt(c);
                if (n < 0 || length > 100_000) {
                    return;
                }
                for (long o = start; o < start + length; o++) {
                    counts.put(o, new Mark(State.WAITING, n));
                }
            }
        } catch (RuntimeException e) {
            return;
        }
        marks.putAll(counts);
        finishedAhead.putAll(finished);
    }
}
