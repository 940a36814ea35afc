package io.bulwark.server;

import io.bulwark.server.auth.ApiKeyStore;
import io.bulwark.server.auth.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartupRefusalTest {

    @TempDir
    Path dir;

    @Test
    void refusesANonLoopbackBindWithoutKeys() {
        assertThatThrownBy(() -> BulwarkServer.builder(TestServers.config(dir, Map.of("server.host", "0.0.0.0"))).build())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("refusing to bind to 0.0.0.0")
                .hasMessageContaining("bulwark keys create");
    }

    @Test
    void acceptsANonLoopbackBindOnceAKeyExists() {
        ApiKeyStore.open(dir, InstantSource.system()).create("admin", Role.ADMIN);
        try (BulwarkServer server = BulwarkServer.builder(TestServers.config(dir, Map.of("server.host", "0.0.0.0"))).build().start()) {
            assertThat(server.port()).isPositive();
        }
    }

    @Test
    void prodProfileRequiresKeysEvenOnLoopback() {
        assertThatThrownBy(() -> BulwarkServer.builder(TestServers.config(dir, Map.of(), Map.of(), "prod")).build())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("auth.required is true (profile prod)");
    }

    @Test
    void diskWarnThresholdBelowTheDownThresholdIsRefused() {
        assertThatThrownBy(() -> BulwarkServer.builder(TestServers.config(dir,
                Map.of("health.disk.minFree", "2GiB", "health.disk.warnFree", "1GiB"))).build())
                .isInstanceOf(StartupException.class)
                .hasMessage("health.disk.warnFree (1GiB) must be at least health.disk.minFree (2GiB)");
    }

    @Test
    void aTakenPortIsAStartupErrorNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> TestServers.start(dir, Map.of("server.port", Integer.toString(port))))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + port);
        }
    }

    @Test
    void aWeakAdminKeyIsRefusedUnderProdNamingTheKeyAndABlankOneEverywhere() {
        assertThatThrownBy(() -> BulwarkServer.builder(TestServers.config(dir, Map.of(),
                Map.of("BULWARK_AUTH_ADMIN_KEY", "a"), "prod")).build())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("auth.adminKey is too weak for the prod profile")
                .hasMessageContaining("openssl rand -base64 32");
        assertThatThrownBy(() -> BulwarkServer.builder(TestServers.config(dir, Map.of(),
                Map.of("BULWARK_AUTH_ADMIN_KEY", " "), null)).build())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("auth.adminKey is blank");
    }
}
