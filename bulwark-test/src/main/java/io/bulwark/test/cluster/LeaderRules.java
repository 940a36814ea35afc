package io.bulwark.test.cluster;

import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.NodeRow;
import io.bulwark.cluster.store.NotLeaderException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One leader at a time, terms that only grow, their history, and the fencing of leader-only writes. */
abstract class LeaderRules extends NodeRules {

    @Test
    void theFirstElectionGetsTermOneLastingTtlFromNow() {
        Instant now = clock.instant();

        assertThat(store.leader()).isEmpty();
        assertThat(store.elect("a", TTL)).contains(new Term(1, "a", now, now.plus(TTL)));
        assertThat(store.leader()).contains(new Term(1, "a", now, now.plus(TTL)));
    }

    @Test
    void noOtherNodeIsElectedUntilTheTermExpires() {
        Term a = leader("a");

        assertThat(store.elect("b", TTL)).isEmpty();
        clock.set(a.until().minusMillis(1));
        assertThat(store.elect("b", Duration.ofMinutes(5))).as("a millisecond before it expires").isEmpty();
        assertThat(store.leader()).contains(a);

        clock.set(a.until());
        assertThat(store.leader()).as("a term lasts until its until, not through it").isEmpty();
        assertThat(store.elect("b", TTL)).contains(new Term(2, "b", a.until(), a.until().plus(TTL)));
    }

    @Test
    void renewingKeepsTheTermAndItsElectionTimeAndExtendsFromNow() {
        Term first = leader("a");
        clock.advance(Duration.ofSeconds(7));

        Term renewed = store.elect("a", Duration.ofSeconds(30)).orElseThrow();

        assertThat(renewed).isEqualTo(new Term(1, "a", first.electedAt(), clock.instant().plusSeconds(30)));
        assertThat(store.leader()).contains(renewed);
        assertThat(store.terms(10)).containsExactly(renewed);
    }

    @Test
    void eachNewTenureGetsAGreaterTermEvenForTheSameNode() {
        Term first = leader("a");
        clock.set(first.until());
        Term second = leader("a");
        clock.set(second.until().plusSeconds(1));
        Term third = leader("b");

        assertThat(List.of(first.term(), second.term(), third.term())).containsExactly(1L, 2L, 3L);
        assertThat(second.electedAt()).as("a lapsed lease is a new tenure").isEqualTo(first.until());
    }

    @Test
    void resigningLetsAnotherNodeBeElectedAtOnce() {
        Term a = leader("a");
        clock.advance(Duration.ofSeconds(2));
        Instant resigned = clock.instant();

        store.resign(a);

        assertThat(store.leader()).isEmpty();
        assertThat(store.elect("b", TTL)).contains(new Term(2, "b", resigned, resigned.plus(TTL)));
        assertThat(store.terms(10)).containsExactly(new Term(2, "b", resigned, resigned.plus(TTL)),
                new Term(1, "a", a.electedAt(), resigned));
    }

    @Test
    void resigningAStaleTermChangesNothing() {
        Term a = leader("a");
        clock.set(a.until());
        Term b = leader("b");

        store.resign(a);

        assertThat(store.leader()).contains(b);
        assertThat(store.elect("c", TTL)).isEmpty();
        assertThat(store.terms(10)).containsExactly(b, a);
    }

    @Test
    void resigningATermWithTheCurrentNumberButAnotherHolderChangesNothing() {
        Term a = leader("a");

        store.resign(new Term(a.term(), "b", a.electedAt(), a.until()));

        assertThat(store.leader()).contains(a);
        assertThat(store.elect("b", TTL)).isEmpty();
    }

    @Test
    void termsAreNewestFirstWithTheLastUntilEachWasRenewedTo() {
        Term a = leader("a");
        clock.advance(Duration.ofSeconds(4));
        Term aRenewed = leader("a");
        clock.set(aRenewed.until().plusSeconds(1));
        Term b = leader("b");
        clock.set(b.until());
        Term c = leader("c");

        assertThat(store.terms(10)).containsExactly(c, b, new Term(1, "a", a.electedAt(), aRenewed.until()));
        assertThat(store.terms(2)).containsExactly(c, b);
        assertThat(store.terms(0)).isEmpty();
    }

    @Test
    void tenuresNeverOverlapWhateverTheNodesDo() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        Optional<Term> held = Optional.empty();
        for (int step = 0; step < 200; step++) {
            String node = "n" + random.nextInt(4);
            switch (random.nextInt(4)) {
                case 0 -> clock.advance(Duration.ofMillis(random.nextInt(1, 15_000)));
                case 1 -> held.filter(t -> random.nextBoolean()).ifPresent(store::resign);
                default -> {
                    Optional<Term> got = store.elect(node, Duration.ofMillis(random.nextInt(1, 12_000)));
                    if (got.isPresent()) {
                        held = got;
                    }
                }
            }
        }
        List<Term> history = store.terms(1_000).reversed();
        assertThat(history).hasSizeGreaterThan(5);
        for (int i = 1; i < history.size(); i++) {
            Term before = history.get(i - 1);
            Term after = history.get(i);
            assertThat(after.term()).isGreaterThan(before.term());
            assertThat(after.electedAt()).as("term %s starts once term %s ended", after, before)
                    .isAfterOrEqualTo(before.until());
        }
    }

    @Test
    void aStaleTermCannotMarkDeadOrForgetAndChangesNothing() {
        registered("x");
        Term old = leader("a");
        store.markDead(List.of("x"), old);
        registered("y");
        clock.set(old.until());
        Term current = leader("b");
        List<NodeRow> before = store.nodes();

        assertThatThrownBy(() -> store.markDead(List.of("y"), old))
                .isInstanceOf(NotLeaderException.class)
                .hasMessageContaining("term " + old.term());
        assertThatThrownBy(() -> store.forgetDead(clock.instant().plusSeconds(1), old))
                .isInstanceOf(NotLeaderException.class);
        assertThat(store.nodes()).isEqualTo(before);
        assertThat(store.leader()).contains(current);
    }

    @Test
    void anExpiredTermCannotMarkDeadEvenWithNoNewerLeader() {
        registered("x");
        Term term = leader("a");
        clock.set(term.until().minusMillis(1));
        store.markDead(List.of(), term);

        clock.set(term.until());

        assertThatThrownBy(() -> store.markDead(List.of("x"), term)).isInstanceOf(NotLeaderException.class);
        assertThatThrownBy(() -> store.forgetDead(clock.instant(), term)).isInstanceOf(NotLeaderException.class);
        assertThat(store.nodes()).singleElement().extracting(NodeRow::deadAt).isNull();
    }

    @Test
    void aResignedTermCannotMarkDead() {
        registered("x");
        Term term = leader("a");
        store.resign(term);

        assertThatThrownBy(() -> store.markDead(List.of("x"), term)).isInstanceOf(NotLeaderException.class);
        assertThat(store.nodes()).singleElement().extracting(NodeRow::dead).isEqualTo(false);
    }

    @Test
    void aTermWithTheCurrentNumberButAnotherHolderIsRefused() {
        registered("x");
        Term real = leader("a");
        Term forged = new Term(real.term(), "b", real.electedAt(), real.until());

        assertThatThrownBy(() -> store.markDead(List.of("x"), forged)).isInstanceOf(NotLeaderException.class);
        assertThatThrownBy(() -> store.forgetDead(clock.instant(), forged)).isInstanceOf(NotLeaderException.class);
        assertThat(store.nodes()).singleElement().extracting(NodeRow::dead).isEqualTo(false);
    }

    @Test
    void aTermNeverElectedIsRefused() {
        registered("x");
        Term never = new Term(7, "a", clock.instant(), clock.instant().plus(TTL));

        assertThatThrownBy(() -> store.markDead(List.of("x"), never)).isInstanceOf(NotLeaderException.class);
        assertThat(store.nodes()).singleElement().extracting(NodeRow::dead).isEqualTo(false);
    }
}
