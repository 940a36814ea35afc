package io.bulwark.cli.fleet;

import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * {@link TakeoverRules} on MariaDB: a database of the test's own on the shared local server
 * (dropped afterwards); the fault is a worker's kill -9, never the database. Skipped with a
 * message when MariaDB is down, failed instead under {@code BULWARK_REQUIRE_SERVICES=1}.
 */
@RequiresService(LocalService.MARIADB)
class MariaDbFleetTakeoverIT extends TakeoverRules {

    private TestDatabase db;

    @Override
    List<String> store() {
        db = TestDatabase.create(LocalService.MARIADB);
        return List.of("--store.url=" + db.url(), "--store.user=" + db.user());
    }

    @AfterEach
    void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void aKilledWorkersJobsAreRescuedByTheLeaderAndRunOnceMoreOnMariaDb() throws Exception {
        aKilledWorkersJobsAreRescuedByTheLeaderAndRunOnceMore();
    }
}
