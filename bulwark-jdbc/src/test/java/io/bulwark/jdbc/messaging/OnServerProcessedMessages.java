package io.bulwark.jdbc.messaging;

import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import org.junit.jupiter.api.AfterEach;

import javax.sql.DataSource;

/** The rules on a new database of a local server (PostgreSQL, MariaDB), through a small pool; dropped after each test. */
abstract class OnServerProcessedMessages extends ProcessedMessagesRules {

    private TestDatabase db;
    private HikariDataSource ds;

    /** The server the database is made on. */
    protected abstract LocalService server();

    @Override
    protected DataSource dataSource() {
        db = TestDatabase.create(server());
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
