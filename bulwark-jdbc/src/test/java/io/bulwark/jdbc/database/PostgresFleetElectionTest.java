package io.bulwark.jdbc.database;

import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;

/** Ten nodes elect one leader at a time on PostgreSQL, and replace a killed one in time. */
@RequiresService(LocalService.POSTGRESQL)
class PostgresFleetElectionTest extends FleetElectionTest {

    PostgresFleetElectionTest() {
        super(LocalService.POSTGRESQL);
    }
}
