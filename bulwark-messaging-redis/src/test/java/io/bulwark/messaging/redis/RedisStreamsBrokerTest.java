package io.bulwark.messaging.redis;

import io.bulwark.messaging.Broker;
import io.bulwark.test.messaging.BrokerContract;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.UUID;

/** The broker contract on the Redis on 127.0.0.1:6379, each test's keys under a prefix of its own. */
@RequiresService(LocalService.REDIS)
class RedisStreamsBrokerTest extends BrokerContract {

    private static final String URI = "redis://127.0.0.1:6379";
    private static RedisClient admin;
    private static StatefulRedisConnection<String, String> adminConnection;
    private static final String RUN = "bulwark-test:msg:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final String prefix = RUN + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final String name = "bulwark-test-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void connectAdmin() {
        admin = RedisClient.create(URI);
        adminConnection = admin.connect();
    }

    @AfterAll
    static void closeAdmin() {
        for (String key : adminConnection.sync().keys(RUN + "*")) {
            adminConnection.sync().del(key);
        }
        adminConnection.close();
        admin.shutdown();
    }

    @Override
    protected Broker open() {
        return RedisStreamsBroker.builder(URI).prefix(prefix).clientName(name).build();
    }

    @Override
    protected void crash(Broker broker) {
        ((RedisStreamsBroker) broker).abandon();
    }

    @Override
    protected void dropConnections(Broker broker) {
        for (String line : adminConnection.sync().clientList().split("\n")) {
            if (line.contains(" name=" + name + " ")) {
                String id = line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id=")));
                adminConnection.sync().clientKill(KillArgs.Builder.id(Long.parseLong(id)));
            }
        }
    }
}
