package io.bulwark.jdbc.database;

import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.BeforeAll;

/** The database store's own rules on the local PostgreSQL server. */
@RequiresService(LocalService.POSTGRESQL)
class PostgresStoreTest extends DatabaseStoreRules {

    @BeforeAll
    static void createDatabase() {
        create(LocalService.POSTGRESQL);
    }

    @Override
    LocalService server() {
        return LocalService.POSTGRESQL;
    }
}
