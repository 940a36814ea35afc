package io.bulwark.messaging.kafka;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {

    @Test
    void commitsUpToTheLowestOffsetNotFinishedAndCarriesTheRest() {
        Progress p = Progress.of(new OffsetAndMetadata(10));
        for (long o = 10; o < 15; o++) {
            assertThat(p.fetched(o)).isZero();
            assertThat(p.handOut(o)).isZero();
        }
        p.done(10);
        p.done(12);
        p.done(13);
        OffsetAndMetadata c = p.toCommit();
        assertThat(c.offset()).as("11 is still being handled").isEqualTo(11);
        assertThat(c.metadata()).isEqualTo("b1;0+1=1;1+2=d;3+1=1");
        p.committed(c);
        assertThat(p.toCommit()).as("nothing changed").isNull();

        Progress next = Progress.of(c); // another member takes the partition over
        assertThat(next.fetched(11)).as("handed out once before").isEqualTo(1);
        assertThat(next.fetched(12)).as("done: skipped").isEqualTo(-1);
        assertThat(next.fetched(13)).isEqualTo(-1);
        assertThat(next.fetched(14)).isEqualTo(1);
        assertThat(next.fetched(15)).isZero();
    }

    @Test
    void aGiveBackLowersTheCountAgainAndStillHoldsTheCommitPoint() {
        Progress p = Progress.of(null);
        p.fetched(5);
        p.handOut(5);
        p.takeBack(5);
        p.fetched(6);
        p.handOut(6);
        p.done(6);
        OffsetAndMetadata c = p.toCommit();
        assertThat(c.offset()).isEqualTo(5);
        assertThat(c.metadata()).isEqualTo("b1;1+1=d");
    }

    @Test
    void countsLeftForRecordsNoLongerThereDoNotHoldTheCommitPoint() {
        Progress p = Progress.of(new OffsetAndMetadata(10, "b1;0+1=2;2+3=d"));
        assertThat(p.fetched(40)).as("10 to 39 were deleted by retention").isZero();
        p.handOut(40);
        p.done(40);
        assertThat(p.toCommit().offset()).isEqualTo(41);
        assertThat(p.unfinished(41)).isZero();
    }

    @Test
    void whatAnEarlierOwnerFinishedAheadIsKeptUntilFetched() {
        Progress p = Progress.of(new OffsetAndMetadata(10, "b1;0+1=1;1+3=d;5+1=2"));
        assertThat(p.fetched(10)).isEqualTo(1);
        assertThat(p.unfinished(20)).as("10 and 14 to 19").isEqualTo(7);
        p.handOut(10);
        p.done(10);
        OffsetAndMetadata c = p.toCommit();
        assertThat(c.offset()).isEqualTo(11);
        assertThat(c.metadata()).as("11-13 finished, 15 handed out twice").isEqualTo("b1;0+3=d;4+1=2");
        p.committed(c);
        assertThat(p.fetched(11)).isEqualTo(-1);
        assertThat(p.fetched(12)).isEqualTo(-1);
        assertThat(p.fetched(13)).isEqualTo(-1);
        assertThat(p.fetched(14)).isZero();
        assertThat(p.fetched(15)).isEqualTo(2);
        assertThat(p.toCommit().offset()).isEqualTo(14);
    }

    @Test
    void metadataOfAnotherToolIsIgnored() {
        Progress p = Progress.of(new OffsetAndMetadata(3, "written by kafka-consumer-groups"));
        assertThat(p.fetched(3)).isZero();
        assertThat(p.fetched(4)).isZero();
    }

    @Test
    void theMetadataStaysWithinItsLimitDroppingTheHighestRuns() {
        Progress p = Progress.of(new OffsetAndMetadata(0));
        for (long o = 0; o < 5000; o++) {
            p.fetched(o);
            p.handOut(o);
            if (o % 2 == 1) {
                p.done(o);
            }
        }
        OffsetAndMetadata c = p.toCommit();
        assertThat(c.offset()).isZero();
        assertThat(c.metadata().length()).isLessThanOrEqualTo(Progress.MAX_METADATA);
        Progress next = Progress.of(c);
        assertThat(next.fetched(1)).as("a low run kept").isEqualTo(-1);
        assertThat(next.fetched(4999)).as("a high run dropped: delivered again, not lost").isZero();
    }

    /**
     * Any interleaving of fetches (with gaps, as compacted or transactional topics have), hand-outs,
     * give-backs and finishes, committed at any point: the committed offset never passes a fetched
     * message that is not finished, and a member starting from any commit skips exactly what was
     * finished and counts every hand-out of the rest.
     */
    @Property(tries = 500)
    void theCommitNeverPassesAMessageNotFinished(@ForAll @LongRange(min = 0, max = 1000) long start,
                                                 @ForAll @IntRange(min = 1, max = 60) int count,
                                                 @ForAll long seed) {
        Random random = new Random(seed);
        Progress p = Progress.of(start == 0 ? null : new OffsetAndMetadata(start));
        List<Long> offsets = new ArrayList<>();
        long o = start;
        for (int i = 0; i < count; i++) {
            offsets.add(o);
            o += 1 + (random.nextInt(5) == 0 ? random.nextInt(3) : 0);
        }
        TreeMap<Long, Boolean> finished = new TreeMap<>();
        TreeMap<Long, Integer> handedOut = new TreeMap<>();
        List<Long> out = new ArrayList<>();
        OffsetAndMetadata last = null;
        TreeMap<Long, Boolean> finishedThen = new TreeMap<>();
        TreeMap<Long, Integer> handedOutThen = new TreeMap<>();
        for (long offset : offsets) {
            assertThat(p.fetched(offset)).isZero();
            finished.put(offset, false);
            handedOut.put(offset, 0);
            if (random.nextInt(4) > 0) {
                p.handOut(offset);
                handedOut.merge(offset, 1, Integer::sum);
                out.add(offset);
            }
            while (!out.isEmpty() && random.nextInt(3) == 0) {
                long settled = out.remove(random.nextInt(out.size()));
                if (random.nextInt(5) == 0) {
                    p.takeBack(settled);
                    handedOut.merge(settled, -1, Integer::sum);
                } else {
                    p.done(settled);
                    finished.put(settled, true);
                }
            }
            if (random.nextBoolean()) {
                OffsetAndMetadata c = p.toCommit();
                if (c != null) {
                    long lowestOpen = finished.entrySet().stream().filter(e -> !e.getValue()).mapToLong(e -> e.getKey())
                            .min().orElse(Long.MAX_VALUE);
                    assertThat(c.offset()).isLessThanOrEqualTo(lowestOpen);
                    assertThat(c.metadata().length()).isLessThanOrEqualTo(Progress.MAX_METADATA);
                    p.committed(c);
                    last = c;
                    finishedThen = new TreeMap<>(finished);
                    handedOutThen = new TreeMap<>(handedOut);
                }
            }
        }
        if (last == null) {
            return;
        }
        Progress next = Progress.of(last);
        for (long offset : offsets) {
            boolean wasFinished = finishedThen.getOrDefault(offset, false);
            if (offset < last.offset()) {
                assertThat(wasFinished).as(offset + " is below the commit point: finished").isTrue();
                continue;
            }
            int before = next.fetched(offset);
            assertThat(before < 0).as(offset + " skipped exactly when it was finished").isEqualTo(wasFinished);
            if (!wasFinished) {
                assertThat(before).as("hand-outs of " + offset).isEqualTo(handedOutThen.getOrDefault(offset, 0));
            }
        }
    }
}
