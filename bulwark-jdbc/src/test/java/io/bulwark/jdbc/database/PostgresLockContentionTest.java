package io.bulwark.jdbc.database;

import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;

/** Three processes of eight threads contend for one lock of the PostgreSQL store; the counter is a table that fences stale tokens. */
@RequiresService(LocalService.POSTGRESQL)
class PostgresLockContentionTest extends DatabaseLockContention {

    PostgresLockContentionTest() {
        super(LocalService.POSTGRESQL);
    }
}
