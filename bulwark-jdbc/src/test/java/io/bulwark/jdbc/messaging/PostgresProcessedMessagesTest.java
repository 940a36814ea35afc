package io.bulwark.jdbc.messaging;

import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;

@RequiresService(LocalService.POSTGRESQL)
class PostgresProcessedMessagesTest extends OnServerProcessedMessages {

    @Override
    protected LocalService server() {
        return LocalService.POSTGRESQL;
    }
}
