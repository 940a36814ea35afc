package io.bulwark.jdbc.database;

import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.BeforeAll;

/** The database store's own rules on the local MariaDB server. */
@RequiresService(LocalService.MARIADB)
class MariaDbStoreTest extends DatabaseStoreRules {

    @BeforeAll
    static void createDatabase() {
        create(LocalService.MARIADB);
    }

    @Override
    LocalService server() {
        return LocalService.MARIADB;
    }
}
