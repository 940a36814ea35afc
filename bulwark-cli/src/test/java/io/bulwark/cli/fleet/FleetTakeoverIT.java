package io.bulwark.cli.fleet;

import io.bulwark.test.db.PrivatePostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/**
 * {@link TakeoverRules} on a private PostgreSQL (made with initdb in a temporary directory, so the
 * shared server is never touched): a worker killed with kill -9 mid-run, its jobs rescued by the
 * leader.
 */
class FleetTakeoverIT extends TakeoverRules {

    @TempDir
    Path pgDir;

    private PrivatePostgres pg;

    @Override
    List<String> store() {
        pg = PrivatePostgres.start(pgDir);
        return List.of("--store.url=" + pg.url(), "--store.user=" + pg.user());
    }

    @AfterEach
    void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void aKilledWorkersJobsAreRescuedByTheLeaderAndRunOnceMoreOnPostgres() throws Exception {
        aKilledWorkersJobsAreRescuedByTheLeaderAndRunOnceMore();
    }
}
