package io.bulwark.test.state;

import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateRecord;
import io.bulwark.core.state.StateStore;
import io.bulwark.core.time.SettableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

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
}
