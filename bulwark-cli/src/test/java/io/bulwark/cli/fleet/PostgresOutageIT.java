package io.bulwark.cli.fleet;

import io.bulwark.test.db.PrivatePostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** {@link OutageRules} on a private PostgreSQL, stopped with {@code pg_ctl stop -m fast}. */
class PostgresOutageIT extends OutageRules {

    @TempDir
    Path pgDir;

    @Test
    void theFleetRidesOutATwentySecondDatabaseOutageWithoutDeathsOrLosses() throws Exception {
        PrivatePostgres pg = PrivatePostgres.start(pgDir);
        theFleetRidesOutATwentySecondDatabaseOutageWithoutDeathsOrLosses(new Database() {
            public List<String> flags() {
                return List.of("--store.url=" + pg.url(), "--store.user=" + pg.user());
            }

            public void stop() {
                pg.stop(PrivatePostgres.Mode.FAST);
            }

            public void start() {
                pg.start();
            }

            public void close() {
                pg.close();
            }
        });
    }
}
