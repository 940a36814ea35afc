package io.bulwark.jdbc.database;

import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;

/** Ten nodes elect one leader at a time on MariaDB, and replace a killed one in time. */
@RequiresService(LocalService.MARIADB)
class MariaDbFleetElectionTest extends FleetElectionTest {

    MariaDbFleetElectionTest() {
        super(LocalService.MARIADB);
    }
}
