package io.bulwark.jdbc.sqlite;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.test.jobs.HostileStrings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded store keeps SQL-injection strings verbatim in every field and filter and changes nothing else. */
class HostileStringsTest {

    @TempDir
    Path dir;

    @Test
    void hostileStringsAreStoredVerbatimAndChangeNothingElse() {
        try (SqliteJobStore store = SqliteJobStore.open(dir, InstantSource.system(), SqliteOptions.defaults())) {
            HostileStrings.assertKeptVerbatim(store, store.state(), new Uuid7(InstantSource.system(),
                    new SplittableRandom(5)));
            for (String s : HostileStrings.ALL) {
                store.saveQueueSettings(s, "{\"q\":1}");
                assertThat(store.queueSettings(s)).contains("{\"q\":1}");
            }
        }
    }
}
