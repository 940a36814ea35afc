package io.bulwark.jdbc.database;

import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;

/** Three processes of eight threads contend for one lock of the MariaDB store; the counter is a table that fences stale tokens. */
@RequiresService(LocalService.MARIADB)
class MariaDbLockContentionTest extends DatabaseLockContention {

    MariaDbLockContentionTest() {
        super(LocalService.MARIADB);
    }
}
