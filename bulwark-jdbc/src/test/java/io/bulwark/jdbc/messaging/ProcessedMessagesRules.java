package io.bulwark.jdbc.messaging;

import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.MessageHandler;
import io.bulwark.messaging.ProcessedMessages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ProcessedMessages} on a real database: a message's effects commit once however often it
 * is delivered, a failed handler leaves no trace, and two deliveries at once run the handler once.
 */
abstract class ProcessedMessagesRules {

    /** A data source on a new, empty database of the dialect under test. */
    protected abstract DataSource dataSource();

    private DataSource ds;
    private ProcessedMessages processed;
    private final String table = "pm_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    @BeforeEach
    void open() throws Exception {
        ds = dataSource();
        processed = ProcessedMessages.on(ds, table, Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC));
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE effects_" + table + " (message_id VARCHAR(64) NOT NULL)");
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    private static Delivery delivery(String id, int deliveries) {
        return new Delivery(id, "orders", null, Map.of(), "{}".getBytes(), deliveries, Instant.now());
    }

    private MessageHandler recording(String consumer, AtomicInteger runs) {
        return processed.once(consumer, (d, tx) -> {
            runs.incrementAndGet();
            try (PreparedStatement ps = tx.prepareStatement("INSERT INTO effects_" + table + " (message_id) VALUES (?)")) {
                ps.setString(1, d.id());
                ps.executeUpdate();
            }
        });
    }

    private int effects(String id) throws Exception {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM effects_" + table + " WHERE message_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void aRedeliveredMessageIsHandledOnceAndItsEffectCommittedOnce() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        MessageHandler h = recording("billing", runs);
        h.handle(delivery("m-1", 1));
        h.handle(delivery("m-1", 2));
        h.handle(delivery("m-1", 3));

        assertThat(runs.get()).isEqualTo(1);
        assertThat(effects("m-1")).isEqualTo(1);
        assertThat(processed.handled("billing", "m-1")).isTrue();
        assertThat(processed.handled("audit", "m-1")).as("another consumer has not handled it").isFalse();

        AtomicInteger auditRuns = new AtomicInteger();
        recording("audit", auditRuns).handle(delivery("m-1", 1));
        assertThat(auditRuns.get()).isEqualTo(1);
        assertThat(effects("m-1")).isEqualTo(2);
    }

    @Test
    void aHandlerThatFailsLeavesNeitherItsEffectNorTheRecordSoTheRedeliveryRunsIt() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        MessageHandler failing = processed.once("billing", (d, tx) -> {
            runs.incrementAndGet();
            try (PreparedStatement ps = tx.prepareStatement("INSERT INTO effects_" + table + " (message_id) VALUES (?)")) {
                ps.setString(1, d.id());
                ps.executeUpdate();
            }
            throw new IllegalStateException("downstream said no");
        });
        assertThatThrownBy(() -> failing.handle(delivery("m-2", 1))).hasMessage("downstream said no");
        assertThat(effects("m-2")).isZero();
        assertThat(processed.handled("billing", "m-2")).isFalse();

        recording("billing", runs).handle(delivery("m-2", 2));
        assertThat(runs.get()).isEqualTo(2);
        assertThat(effects("m-2")).isEqualTo(1);
    }

    @Test
    void twoDeliveriesOfOneMessageAtOnceRunTheHandlerOnce() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        MessageHandler slow = processed.once("billing", (d, tx) -> {
            runs.incrementAndGet();
            try (PreparedStatement ps = tx.prepareStatement("INSERT INTO effects_" + table + " (message_id) VALUES (?)")) {
                ps.setString(1, d.id());
                ps.executeUpdate();
            }
            inside.countDown();
            finish.await(10, TimeUnit.SECONDS);
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = pool.submit(() -> {
                slow.handle(delivery("m-3", 1));
                return null;
            });
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            Future<?> second = pool.submit(() -> {
                // Whether its insert waits on the first one's row or comes after its commit, it finds the row.
                slow.handle(delivery("m-3", 2));
                return null;
            });
            finish.countDown();
            first.get(20, TimeUnit.SECONDS);
            second.get(20, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(runs.get()).isEqualTo(1);
        assertThat(effects("m-3")).isEqualTo(1);
    }

    @Test
    void pruneDeletesRecordsOlderThanTheCutoffAndBadNamesAreRefused() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        List<String> ids = new ArrayList<>(List.of("a", "b", "c"));
        for (String id : ids) {
            recording("billing", runs).handle(delivery(id, 1));
        }
        assertThat(processed.prune(Instant.parse("2026-11-30T00:00:00Z"))).isZero();
        assertThat(processed.prune(Instant.parse("2026-12-02T00:00:00Z"))).isEqualTo(3);
        assertThat(processed.handled("billing", "a")).isFalse();

        assertThatThrownBy(() -> ProcessedMessages.on(ds, "x; DROP TABLE y", Clock.systemUTC()))
                .hasMessageStartingWith("table must be");
        assertThatThrownBy(() -> processed.once("", (d, tx) -> { })).hasMessageStartingWith("consumer must be");
    }
}
