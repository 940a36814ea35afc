package io.bulwark.jdbc.messaging;

import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterEach;

import javax.sql.DataSource;

@RequiresService(LocalService.MARIADB)
class MariaDbProcessedMessagesTest extends ProcessedMessagesRules {

    private TestDatabase db;
    private HikariDataSource ds;

    @Override
    protected DataSource dataSource() {
        db = TestDatabase.create(LocalService.MARIADB);
        ds = new HikariDataSource();
        ds.setJdbcUrl(db.url());
        ds.setUsername(db.user());
        ds.setMaximumPoolSize(4);
        return ds;
    }

    @AfterEach
    void drop() {
        ds.close();
        db.close();
    }
}
