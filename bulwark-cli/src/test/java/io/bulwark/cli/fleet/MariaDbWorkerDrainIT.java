package io.bulwark.cli.fleet;

import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;

import java.util.List;

/**
 * {@link WorkerDrainRules} on MariaDB: a database of the test's own on the shared local server.
 * Skipped with a message when MariaDB is down, failed instead under {@code BULWARK_REQUIRE_SERVICES=1}.
 */
@RequiresService(LocalService.MARIADB)
class MariaDbWorkerDrainIT extends WorkerDrainRules {

    private TestDatabase db;

    @Override
    List<String> openStore() {
        db = TestDatabase.create(LocalService.MARIADB);
        return List.of("--store.url=" + db.url(), "--store.user=" + db.user());
    }

    @Override
    void closeStore() {
        if (db != null) {
            db.close();
        }
    }
}
