package io.bulwark.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

/** kill -9 of {@code bulwark serve} on the embedded store, restarted on the same data directory. */
class CrashRecoveryIT extends CrashRecoveryRules {

    @Override
    List<String> storeArgs() {
        return List.of();
    }

    @Test
    void everyAcknowledgedJobEndsAsExpectedAfterKill9AndRestart() throws Exception {
        killNineAndRestart();
    }
}
