package io.bulwark.messaging.redis;

import io.bulwark.messaging.Delivery;
import io.bulwark.messaging.Outgoing;
import io.bulwark.messaging.Published;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A published entry is field for field what {@link Entries#of} describes, which is what consumers
 * of every version read: the publish path writes the fields itself (PublishCommands), so this pins
 * that it keeps the format during a rolling upgrade.
 */
@RequiresService(LocalService.REDIS)
class PublishedEntryTest {

    private static final String URI = "redis://127.0.0.1:6379";
    private static RedisClient admin;
    private static StatefulRedisConnection<String, String> adminConnection;
    private final String prefix = "bulwark-test:msg:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final RedisStreamsBroker broker = RedisStreamsBroker.builder(URI).prefix(prefix).build();

    @BeforeAll
    static void connectAdmin() {
        admin = RedisClient.create(URI);
        adminConnection = admin.connect();
    }

    @AfterAll
    static void closeAdmin() {
        adminConnection.close();
        admin.shutdown();
    }

    @AfterEach
    void cleanUp() {
        broker.close();
        for (String key : adminConnection.sync().keys(prefix + "*")) {
            adminConnection.sync().del(key);
        }
    }

    @Test
    void publishedEntriesHaveTheFieldsEveryConsumerVersionReads() {
        List<Outgoing> messages = List.of(
                Outgoing.text("{\"order\":1}").key("customer-7").header("source", "web").header("trace", "a-b").build(),
                Outgoing.text("grüße, 東京 and 🙂").build(),
                Outgoing.bytes(new byte[]{(byte) 0xC3, 0x28, 0, (byte) 0xFF}).key("k").build(),
                Outgoing.bytes(new byte[0]).header("empty", "").build());

        List<Published> published = broker.publishAll("orders", messages);

        List<StreamMessage<String, String>> entries = adminConnection.sync().xrange(prefix + "orders", Range.create("-", "+"));
        assertThat(entries).hasSize(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Map<String, String> fields = entries.get(i).getBody();
            Instant at = Instant.ofEpochMilli(Long.parseLong(fields.get(Entries.AT)));
            assertThat(new ArrayList<>(fields.entrySet()))
                    .containsExactlyElementsOf(Entries.of(published.get(i).id(), at, messages.get(i)).entrySet());
            Delivery d = Entries.delivery("orders", fields, 1);
            assertThat(d.body()).isEqualTo(messages.get(i).body());
            assertThat(d.headers()).isEqualTo(messages.get(i).headers());
            assertThat(d.key()).isEqualTo(messages.get(i).key());
            assertThat(d.id()).isEqualTo(published.get(i).id());
            assertThat(d.deliveries()).isEqualTo(1);
        }
        assertThat(entries.get(1).getBody().get(Entries.BODY).getBytes(StandardCharsets.UTF_8))
                .isEqualTo("grüße, 東京 and 🙂".getBytes(StandardCharsets.UTF_8));
        assertThat(entries.get(2).getBody()).containsKey(Entries.BODY64).doesNotContainKey(Entries.BODY);
    }

    @Test
    void publishingNothingSendsNothing() {
        assertThat(broker.publishAll("orders", List.of())).isEmpty();
        assertThat(adminConnection.sync().exists(prefix + "orders")).isZero();
    }
}
