package io.bulwark.cli.fleet;

import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * {@link LeaderFailoverRules} on MariaDB: a database of the test's own on the shared local server
 * (the fault is the leader's kill -9, never the database). Skipped with a message when MariaDB is
 * down, failed instead under {@code BULWARK_REQUIRE_SERVICES=1}.
 */
@RequiresService(LocalService.MARIADB)
class MariaDbLeaderFailoverIT extends LeaderFailoverRules {

    @Test
    void anotherNodeLeadsWithinTwoHeartbeatsAndTheDeathIsHandledOnceOnMariaDb() throws Exception {
        try (TestDatabase db = TestDatabase.create(LocalService.MARIADB)) {
            anotherNodeLeadsWithinTwoHeartbeatsAndTheDeathIsHandledOnce(
                    List.of("--store.url=" + db.url(), "--store.user=" + db.user()));
        }
    }
}
