package io.bulwark.cli.fleet;

import io.bulwark.test.db.PrivatePostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** {@link LeaderFailoverRules} on a private PostgreSQL made for the test. */
class LeaderFailoverIT extends LeaderFailoverRules {

    @TempDir
    Path pgDir;

    @Test
    void anotherNodeLeadsWithinTwoHeartbeatsAndTheDeathIsHandledOnce() throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.start(pgDir)) {
            anotherNodeLeadsWithinTwoHeartbeatsAndTheDeathIsHandledOnce(
                    List.of("--store.url=" + pg.url(), "--store.user=" + pg.user()));
        }
    }
}
