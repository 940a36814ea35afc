package io.bulwark.cli.fleet;

import io.bulwark.test.db.PrivatePostgres;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** {@link WorkerDrainRules} on a private PostgreSQL made for the test. */
class WorkerDrainIT extends WorkerDrainRules {

    @TempDir
    static Path pgDir;

    private PrivatePostgres pg;

    @Override
    List<String> openStore() {
        pg = PrivatePostgres.start(pgDir);
        return List.of("--store.url=" + pg.url(), "--store.user=" + pg.user());
    }

    @Override
    void closeStore() {
        if (pg != null) {
            pg.close();
        }
    }
}
