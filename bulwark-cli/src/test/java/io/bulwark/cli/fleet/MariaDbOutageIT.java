package io.bulwark.cli.fleet;

import io.bulwark.test.db.PrivateMariaDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** {@link OutageRules} on a private MariaDB made for the test, stopped with SIGTERM (a clean shutdown). */
class MariaDbOutageIT extends OutageRules {

    @TempDir
    Path dbDir;

    @Test
    void theFleetRidesOutATwentySecondDatabaseOutageWithoutDeathsOrLossesOnMariaDb() throws Exception {
        PrivateMariaDb db = PrivateMariaDb.start(dbDir);
        theFleetRidesOutATwentySecondDatabaseOutageWithoutDeathsOrLosses(new Database() {
            public List<String> flags() {
                return List.of("--store.url=" + db.url(), "--store.user=" + db.user());
            }

            public void stop() {
                db.stop();
            }

            public void start() {
                db.start();
            }

            public void close() {
                db.close();
            }
        });
    }
}
