package io.bulwark.test.state;

import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateRecord;
import io.bulwark.core.state.StateStore;
import io.bulwark.core.time.SettableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules every {@link StateStore} keeps. Extend it and say how to open a store on a clock:
 *
 * <pre>{@code
 * class MyStateStoreTest extends StateStoreContract {
 *     protected StateStore open(SettableClock clock) { return MyStore.open(..., clock).state(); }
 * }
 * }</pre>
 */
public abstract class StateStoreContract {

    /** Store times are kept in milliseconds; the clock starts on a whole millisecond. */
    protected final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    protected StateStore store;

    /** A new, empty store whose time comes from {@code clock}. */
    protected abstract StateStore open(SettableClock clock) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = open(clock);
    }

    @Test
    void putCreatesVersionOneStampedWithStoreTime() {
        StateEntry entry = store.put("provider-group", "llm", "{\"a\":1}");

        assertThat(entry.version()).isEqualTo(1);
        assertThat(entry.updatedAt()).isEqualTo(clock.instant());
        assertThat(store.get("provider-group", "llm")).contains(entry);
    }

    @Test
    void everyWriteOfADocumentAddsOneToItsVersion() {
        store.put("k", "n", "{}");
        clock.advance(Duration.ofSeconds(1));
        StateEntry second = store.put("k", "n", "{\"b\":2}");

        assertThat(second.version()).isEqualTo(2);
        assertThat(store.get("k", "n")).get().extracting(StateEntry::json, StateEntry::updatedAt)
                .containsExactly("{\"b\":2}", clock.instant());
    }

    @Test
    void listReturnsOneKindOnlyOrderedByName() {
        store.put("k", "b", "{}");
        store.put("k", "a", "{}");
        store.put("other", "c", "{}");

        assertThat(store.list("k")).extracting(StateEntry::name).containsExactly("a", "b");
        assertThat(store.list("none")).isEmpty();
    }

    @Test
    void deleteReportsWhetherTheDocumentExisted() {
        store.put("k", "n", "{}");

        assertThat(store.delete("k", "n")).isTrue();
        assertThat(store.delete("k", "n")).isFalse();
        assertThat(store.get("k", "n")).isEmpty();
    }

    @Test
    void historyIsNewestFirstAndLimited() {
        for (int i = 1; i <= 5; i++) {
            store.append("breaker-history", "openai", "{\"i\":" + i + "}");
            clock.advance(Duration.ofSeconds(1));
        }
        store.append("breaker-history", "other", "{}");

        List<StateRecord> last = store.history("breaker-history", "openai", 3);

        assertThat(last).extracting(StateRecord::json).containsExactly("{\"i\":5}", "{\"i\":4}", "{\"i\":3}");
        assertThat(last.get(0).at()).isEqualTo(Instant.parse("2026-01-01T00:00:04Z"));
    }

    @Test
    void pruneRemovesOnlyOlderRecordsOfTheKind() {
        store.append("h", "a", "{\"old\":true}");
        store.append("g", "a", "{\"otherKind\":true}");
        clock.advance(Duration.ofMinutes(1));
        store.append("h", "a", "{\"new\":true}");

        assertThat(store.pruneHistory("h", clock.instant())).isEqualTo(1);
        assertThat(store.history("h", "a", 10)).extracting(StateRecord::json).containsExactly("{\"new\":true}");
        assertThat(store.history("g", "a", 10)).hasSize(1);
    }

    @Test
    void blankOrOverlongNamesAndBadLimitsAreRefused() {
        assertThatThrownBy(() -> store.put(" ", "n", "{}")).hasMessageContaining("kind must not be blank");
        assertThatThrownBy(() -> store.get("k", "x".repeat(201))).hasMessageContaining("at most 200");
        assertThatThrownBy(() -> store.history("k", "n", 0)).hasMessageContaining("limit must be >= 1 but was 0");
    }

    @Test
    void putIfVersionZeroCreatesOnlyWhenAbsent() {
        Optional<StateEntry> created = store.putIfVersion("rollout", "shop", "{\"v\":1}", 0);

        assertThat(created).get().extracting(StateEntry::version, StateEntry::json, StateEntry::updatedAt)
                .containsExactly(1L, "{\"v\":1}", clock.instant());
        assertThat(store.putIfVersion("rollout", "shop", "{\"v\":\"other\"}", 0)).isEmpty();
        assertThat(store.get("rollout", "shop")).get().extracting(StateEntry::json).isEqualTo("{\"v\":1}");
    }

    @Test
    void putIfVersionWritesOnlyAtTheVersionReadAndLosesToAWriteSince() {
        StateEntry read = store.put("rollout", "shop", "{\"phase\":\"PROGRESSING\"}");
        clock.advance(Duration.ofSeconds(1));
        // another node writes in between: the version moves on
        store.put("rollout", "shop", "{\"phase\":\"DEGRADED\"}");

        assertThat(store.putIfVersion("rollout", "shop", "{\"phase\":\"HEALTHY\"}", read.version())).isEmpty();
        assertThat(store.get("rollout", "shop")).get().extracting(StateEntry::json, StateEntry::version)
                .containsExactly("{\"phase\":\"DEGRADED\"}", 2L);

        Optional<StateEntry> written = store.putIfVersion("rollout", "shop", "{\"phase\":\"DEGRADED\",\"n\":1}", 2);
        assertThat(written).get().extracting(StateEntry::version, StateEntry::updatedAt).containsExactly(3L, clock.instant());
        assertThat(store.get("rollout", "shop")).isEqualTo(written);
    }

    @Test
    void putIfVersionOfAMissingDocumentCreatesNothing() {
        assertThat(store.putIfVersion("rollout", "gone", "{}", 4)).isEmpty();
        assertThat(store.get("rollout", "gone")).isEmpty();
        assertThatThrownBy(() -> store.putIfVersion("rollout", "gone", "{}", -1))
                .hasMessageContaining("expectedVersion must be >= 0 (0: not stored yet) but was -1");
    }

    /** Writers racing on one document with read-then-compare-and-set: every success is one increment, none lost. */
    @Test
    void racingCompareAndSetWritersLoseNoUpdate() throws Exception {
        store.put("counter", "c", "0");
        int threads = 4;
        int perThread = 25;
        AtomicInteger wins = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        StateEntry e = store.get("counter", "c").orElseThrow();
                        int next = Integer.parseInt(e.json()) + 1;
                        if (store.putIfVersion("counter", "c", String.valueOf(next), e.version()).isPresent()) {
                            wins.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        StateEntry last = store.get("counter", "c").orElseThrow();
        assertThat(wins.get()).isPositive();
        assertThat(Integer.parseInt(last.json())).as("the counter counts every successful write").isEqualTo(wins.get());
        assertThat(last.version()).isEqualTo(1L + wins.get());
    }
}
